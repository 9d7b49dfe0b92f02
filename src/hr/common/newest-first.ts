import { Brackets, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import type { CursorCodec, PagePosition } from 'nest-webhooks/shared';
import { HrError, HrErrorCode } from '../hr.errors';

/** One page of rows, newest first, and whether more follow it. */
export interface RowPage<T> {
  items: T[];
  hasMore: boolean;
}

/** A page as the API answers it. */
export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/**
 * The page of `query` (rows aliased `alias`, with `createdAt` and `id`) after `after`, newest
 * first: `(createdAt, id)` descending. Fetches one extra row to know whether more follow.
 */
export async function fetchNewestFirst<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  alias: string,
  after: PagePosition | null,
  limit: number,
): Promise<RowPage<T>> {
  query
    .orderBy(`${alias}.createdAt`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .take(limit + 1);
  if (after) {
    query.andWhere(
      new Brackets((q) =>
        q
          .where(`${alias}.createdAt < :createdAt`, { createdAt: after.createdAt })
          .orWhere(`(${alias}.createdAt = :createdAt AND ${alias}.id < :id)`, { id: after.id }),
      ),
    );
  }
  const rows = await query.getMany();
  return { items: rows.slice(0, limit), hasMore: rows.length > limit };
}

/**
 * One page of a list whose cursors are issued for `scope` (the list and its company): a cursor
 * issued for another list, or not by the API, is `400`.
 */
export async function pageOfList<Row extends PagePosition, Dto>(
  cursors: CursorCodec,
  scope: string,
  request: { limit: number; cursor?: string },
  fetch: (after: PagePosition | null, limit: number) => Promise<RowPage<Row>>,
  toDto: (row: Row) => Dto,
): Promise<Page<Dto>> {
  const after = request.cursor ? cursors.decode(request.cursor, scope) : null;
  if (request.cursor && !after) {
    throw new HrError(HrErrorCode.InvalidCursor, 'cursor was not issued by this API', 'cursor');
  }
  const page = await fetch(after, request.limit);
  const last = page.items[page.items.length - 1];
  return {
    items: page.items.map(toDto),
    nextCursor: page.hasMore && last ? cursors.encode(last, scope) : null,
  };
}
