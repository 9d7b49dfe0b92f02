import { OmitType, PartialType } from '@nestjs/swagger';
import { CreateSubscriptionDto } from './create-subscription.dto';

/** Any field of the creation body but `secret` (rotate it with POST .../secret/rotate). */
export class UpdateSubscriptionDto extends PartialType(
  OmitType(CreateSubscriptionDto, ['secret'] as const),
) {}
