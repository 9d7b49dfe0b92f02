import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsOptional,
  IsString,
  Length,
  MaxLength,
} from 'class-validator';
import { MAX_IDEMPOTENCY_KEY } from '../../queue/idempotency';

/** The most events one batch request may carry. */
export const MAX_BATCH_EVENTS = 500;

export class BatchEventDto {
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

  /**
   * As the Idempotency-Key header of a single publish: the same key within 24 h and the same
   * type and data answer the earlier event's id; another body refuses the batch (422). At most
   * once per batch.
   */
  @IsOptional()
  @IsString()
  @Length(1, MAX_IDEMPOTENCY_KEY)
  idempotencyKey?: string;
}

/**
 * The batch body. Its events are checked one by one afterwards (`batchProblems`), so that a refusal
 * names every bad event, not only those of the first kind of problem.
 */
export class PublishBatchDto {
  @ApiProperty({ type: [BatchEventDto], minItems: 1, maxItems: MAX_BATCH_EVENTS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_EVENTS)
  events!: unknown[];
}

export class PublishedBatchDto {
  /** The events' ids in request order (a replayed key's: the earlier event's). */
  ids!: string[];
}
