import { Inject, Injectable } from '@nestjs/common';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { WEBHOOKS_MODULE_OPTIONS } from '../webhooks.module-definition';
import type { WebhooksModuleOptions } from '../interfaces/webhooks-module-options.interface';
import { BUILTIN_EVENT_TYPES } from './builtin-event-types';
import type { EventTypeDefinition } from '../interfaces/event-type.interface';
import { EVENT_TYPE_PATTERN, matchesEventFilter } from './event-type-matching';

interface CatalogEntry extends EventTypeDefinition {
  validate: ValidateFunction;
}

/**
 * The registry of event types: built-ins, the root options' `eventTypes`, and every
 * `WebhooksModule.forFeature({eventTypes})`. Subscriptions may only name these (or wildcards
 * over them); published data must match the type's JSON Schema.
 */
@Injectable()
export class EventCatalog {
  private readonly entries = new Map<string, CatalogEntry>();
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false });

  constructor(@Inject(WEBHOOKS_MODULE_OPTIONS) options: WebhooksModuleOptions) {
    addFormats(this.ajv);
    this.register(BUILTIN_EVENT_TYPES);
    this.register(options.eventTypes ?? []);
  }

  register(types: readonly EventTypeDefinition[]): void {
    for (const definition of types) {
      if (!EVENT_TYPE_PATTERN.test(definition.type)) {
        throw new Error(`Event type "${definition.type}" is not a dotted lower-case name`);
      }
      const existing = this.entries.get(definition.type);
      if (existing) {
        if (JSON.stringify(existing.schema) === JSON.stringify(definition.schema)) continue;
        throw new Error(
          `Event type "${definition.type}" is registered twice with different schemas`,
        );
      }
      this.entries.set(definition.type, {
        ...definition,
        validate: this.ajv.compile(definition.schema),
      });
    }
  }

  list(): EventTypeDefinition[] {
    return [...this.entries.values()]
      .map(({ type, description, schema }) => ({ type, description, schema }))
      .sort((a, b) => a.type.localeCompare(b.type));
  }

  has(type: string): boolean {
    return this.entries.has(type);
  }

  /** Whether a subscription filter names a catalog type or a wildcard matching at least one. */
  acceptsFilter(filter: string): boolean {
    if (filter === '*') return true;
    if (!filter.endsWith('.*')) return this.entries.has(filter);
    for (const type of this.entries.keys()) if (matchesEventFilter(filter, type)) return true;
    return false;
  }

  /** Problems of `data` against the type's schema, as `data/path message` strings; [] when valid. */
  validateData(type: string, data: unknown): string[] {
    const entry = this.entries.get(type);
    if (!entry) return [`type "${type}" is not in the event catalog`];
    if (entry.validate(data)) return [];
    return (entry.validate.errors ?? []).map((e) =>
      `data${e.instancePath} ${e.message ?? 'is invalid'}`.replace(/\s+/g, ' '),
    );
  }
}
