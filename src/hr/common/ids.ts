import { isUUID } from 'class-validator';

/** Route ids that are not UUIDs cannot name a row: the services answer 404 for them. */
export function isRowId(id: string): boolean {
  return isUUID(id);
}
