import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ReadOnlyAllowed, RequirePermissions } from '../auth/require-permissions.decorator';
import { WEBHOOKS_MANAGE_PERMISSION } from '../webhooks.constants';
import { EventCatalog } from './event-catalog.service';
import { EventTypeDto } from './event-type.dto';

@ApiTags('events')
@Controller('api/event-types')
@RequirePermissions(WEBHOOKS_MANAGE_PERMISSION)
export class EventTypesController {
  constructor(private readonly catalog: EventCatalog) {}

  /** The event catalog: each type with its description and the JSON Schema of its data. */
  @ReadOnlyAllowed()
  @Get()
  @ApiOkResponse({ type: [EventTypeDto] })
  list(): EventTypeDto[] {
    return this.catalog.list();
  }
}
