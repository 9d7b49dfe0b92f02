import type {
  DataSource,
  EntityManager,
  EntityTarget,
  FindOptionsWhere,
  Repository,
} from 'typeorm';
import type { HrError } from '../hr.errors';
import { isRowId } from './ids';

/** A row of a company: every HR table has these. */
export interface CompanyRow {
  id: string;
  companyId: string;
}

export type RowLock = 'pessimistic_read' | 'pessimistic_write';

/**
 * Reads and writes of one HR table, each scoped to one company (another company's rows are never
 * found: 404). Writes take the caller's transaction. Repositories extend it with their own
 * finders, named for what they are scoped to.
 */
export abstract class CompanyRows<T extends CompanyRow> {
  protected constructor(
    protected readonly dataSource: DataSource,
    private readonly entity: EntityTarget<T>,
    /** The 404 of an id that names no row of the company. */
    private readonly notFound: () => HrError,
  ) {}

  protected rows(manager?: EntityManager): Repository<T> {
    return (manager ?? this.dataSource.manager).getRepository(this.entity);
  }

  async findOneForCompany(
    companyId: string,
    id: string,
    manager?: EntityManager,
    lock?: RowLock,
  ): Promise<T | null> {
    return this.rows(manager).findOne({
      where: { companyId, id } as FindOptionsWhere<T>,
      ...(lock ? { lock: { mode: lock } } : {}),
    });
  }

  /** The company's row, or its 404 (for an id that is not even a UUID, too). */
  async getForCompany(
    companyId: string,
    id: string,
    manager?: EntityManager,
    lock?: RowLock,
  ): Promise<T> {
    const row = isRowId(id) ? await this.findOneForCompany(companyId, id, manager, lock) : null;
    if (!row) throw this.notFound();
    return row;
  }

  /** Saves changes to a row read with `findOneForCompany` in the same transaction. */
  async updateForCompany(
    companyId: string,
    row: T,
    changes: Partial<T>,
    manager: EntityManager,
  ): Promise<T> {
    if (row.companyId !== companyId) throw new Error('The row belongs to another company');
    Object.assign(row, changes);
    return this.rows(manager).save(row);
  }

  protected async insert(
    companyId: string,
    values: Partial<T>,
    manager?: EntityManager,
  ): Promise<T> {
    const rows = this.rows(manager);
    return rows.save(rows.create({ ...values, companyId } as T));
  }
}
