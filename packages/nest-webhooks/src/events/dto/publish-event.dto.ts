import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsString, MaxLength } from 'class-validator';

export class PublishEventDto {
  /**
   * A catalog event type (GET /api/event-types).
   * @example candidate.created
   */
  @IsString()
  @MaxLength(200)
  type!: string;

  @ApiProperty({
    description: "The event's data; must match the type's JSON Schema.",
    type: 'object',
    additionalProperties: true,
  })
  @IsDefined()
  data!: unknown;
}

export class PublishedEventDto {
  /** The event id: the `webhook-id` every receiver gets. */
  id!: string;
}
