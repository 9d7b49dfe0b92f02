import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Registry, collectDefaultMetrics } from 'prom-client';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  /** Prometheus text format; no authentication. */
  @Get()
  @Header('Content-Type', metricsRegistry.contentType)
  @ApiOkResponse({ description: 'Prometheus metrics', schema: { type: 'string' } })
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
