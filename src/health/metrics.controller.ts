import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { collectDefaultMetrics, register } from 'prom-client';

/** prom-client's default registry: the process metrics and the webhook module's own. */
export const metricsRegistry = register;
if (!register.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics();

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
