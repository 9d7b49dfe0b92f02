import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { compileDataFilter, type DataFilter } from '../catalog/data-filter';
import { matchesEventFilter } from '../catalog/event-type-matching';

/** An active subscription with a data filter, as this instance last read it. */
interface FilteredSubscription {
  id: string;
  /** `updated_at`, which every change of the row moves (the statements compare it). */
  version: string;
  events: string[];
  test: (data: unknown) => boolean;
}

/** What the publish statements take about data filters (see `staleFilters` in outbox.statements). */
export interface FilterVerdicts {
  /** Per event, in order: the filtered subscriptions whose filter its data matches. */
  matched: string[][];
  /** The same as pairs: event number (from 1) and subscription, for the statements. */
  pairs: { events: number[]; subscriptions: string[] };
  /** Every filtered subscription of the events' companies known here, and its version. */
  known: { ids: string[]; versions: string[] };
}

/** An event as the publish statements see it (`data` as JSON text). */
export interface FilteredEvent {
  companyId: string;
  type: string;
  data: string;
}

/** Companies remembered at most (the least recently loaded go first). */
const MAX_COMPANIES = 10_000;

/**
 * Data filters, evaluated in the publishing instance against what it last read, per company.
 * Nothing tells it when a filter changes: each publish statement checks that the versions it was
 * given are still the stored ones and writes nothing when not, and the publisher reloads the
 * company and runs the statement again ({@link reload}). So a filter changed on another instance
 * applies from the first publish that commits after it, and a company without filtered
 * subscriptions costs a map lookup.
 */
@Injectable()
export class SubscriptionFilters {
  private readonly byCompany = new Map<string, FilteredSubscription[]>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The verdicts for `events`, reading companies not known yet (in `manager`'s transaction). */
  async verdicts(
    events: readonly FilteredEvent[],
    manager?: EntityManager,
  ): Promise<FilterVerdicts> {
    const companies = new Set(events.map((e) => e.companyId));
    const missing = [...companies].filter((c) => !this.byCompany.has(c));
    if (missing.length) await this.load(missing, manager);
    const known: FilterVerdicts['known'] = { ids: [], versions: [] };
    for (const company of companies) {
      for (const s of this.byCompany.get(company) ?? []) {
        known.ids.push(s.id);
        known.versions.push(s.version);
      }
    }
    const matched = events.map((event) => {
      const filtered = this.byCompany.get(event.companyId);
      if (!filtered?.length) return [];
      const candidates = filtered.filter((s) =>
        s.events.some((f) => matchesEventFilter(f, event.type)),
      );
      if (!candidates.length) return [];
      const data: unknown = JSON.parse(event.data);
      return candidates.filter((s) => s.test(data)).map((s) => s.id);
    });
    const pairs: FilterVerdicts['pairs'] = { events: [], subscriptions: [] };
    matched.forEach((ids, i) => {
      for (const id of ids) {
        pairs.events.push(i + 1);
        pairs.subscriptions.push(id);
      }
    });
    return { matched, pairs, known };
  }

  /** Reads these companies' filters again: a statement found them out of date. */
  async reload(companyIds: Iterable<string>, manager?: EntityManager): Promise<void> {
    await this.load([...new Set(companyIds)], manager);
  }

  private async load(companyIds: string[], manager?: EntityManager): Promise<void> {
    const rows = await (manager ?? this.dataSource).query<
      { id: string; company_id: string; version: string; events: string[]; filter: DataFilter }[]
    >(
      `SELECT id, company_id, updated_at::text AS version, events, filter FROM webhook_subscriptions
       WHERE company_id = ANY($1::varchar[]) AND filter IS NOT NULL AND is_active AND deleted_at IS NULL`,
      [companyIds],
    );
    const loaded = new Map<string, FilteredSubscription[]>(companyIds.map((c) => [c, []]));
    for (const row of rows) {
      loaded.get(row.company_id)!.push({
        id: row.id,
        version: row.version,
        events: row.events,
        test: compileDataFilter(row.filter),
      });
    }
    for (const [company, filtered] of loaded) {
      this.byCompany.delete(company);
      this.byCompany.set(company, filtered);
    }
    for (const company of this.byCompany.keys()) {
      if (this.byCompany.size <= MAX_COMPANIES) break;
      this.byCompany.delete(company);
    }
  }
}
