import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { collectDefaultMetrics, Registry, register } from 'prom-client';

/** prom-client's default registry: the webhook module's metrics (and any the host adds). */
export const metricsRegistry = register;

/**
 * The process and runtime metrics (CPU, memory, file descriptors, event-loop lag, GC), in a
 * registry of their own: collecting them is most of a scrape's cost (the event-loop lag's seven
 * statistics alone about 0.4 ms), and they move slowly, so their text is rendered at most once per
 * PROCESS_METRICS_TTL_MS and reused in between; the module's counters are rendered on every scrape.
 */
const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry });
export const PROCESS_METRICS_TTL_MS = 5_000;

let processText: { text: Promise<string>; at: number } | null = null;

function processMetrics(now = Date.now()): Promise<string> {
  if (!processText || now - processText.at >= PROCESS_METRICS_TTL_MS) {
    const entry = { text: processRegistry.metrics(), at: now };
    processText = entry;
    // A failed collection is not kept: the next scrape tries again (a newer one stays).
    entry.text.catch(() => {
      if (processText === entry) processText = null;
    });
  }
  return processText.text;
}

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  /** Prometheus text format; no authentication. Process metrics refreshed every 5 s at most. */
  @Get()
  @Header('Content-Type', metricsRegistry.contentType)
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus metrics (text format 0.0.4)',
    schema: { type: 'string' },
  })
  async metrics(): Promise<string> {
    const [own, process] = await Promise.all([metricsRegistry.metrics(), processMetrics()]);
    return `${own}\n${process}`;
  }
}
