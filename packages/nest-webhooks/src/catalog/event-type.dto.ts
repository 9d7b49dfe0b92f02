import { ApiProperty } from '@nestjs/swagger';

export class EventTypeDto {
  /** @example candidate.created */
  type!: string;
  description!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'JSON Schema of `data`' })
  schema!: Record<string, unknown>;
}
