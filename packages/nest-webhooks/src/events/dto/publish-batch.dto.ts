import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Length } from 'class-validator';
import { MAX_IDEMPOTENCY_KEY } from '../../queue/idempotency';
import { PublishEventDto } from './publish-event.dto';

/** The most events one batch request may carry. */
export const MAX_BATCH_EVENTS = 500;

/** An event of a batch: a single publish's body, and its own idempotency key. */
export class BatchEventDto extends PublishEventDto {
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
