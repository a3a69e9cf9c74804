import { isUuid } from './errors';

/** Rows for `ids` in the order of `ids` (null where missing): what a DataLoader batch returns. */
export function rowsById<T extends { id: string }>(ids: readonly string[], rows: T[]): Array<T | null> {
  const found = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => found.get(id.toLowerCase()) ?? null);
}

/** Rows grouped under each of `ids` (in the order of `ids`, [] where none) by a foreign key. */
export function rowsGroupedBy<T>(ids: readonly string[], rows: T[], key: (row: T) => string | null): T[][] {
  const groups = new Map<string, T[]>(ids.map((id) => [id.toLowerCase(), []]));
  for (const row of rows) groups.get(key(row) ?? '')?.push(row);
  return ids.map((id) => groups.get(id.toLowerCase())!);
}

/** Only well-formed ids reach SQL (a malformed one would be a uuid cast error, not "no rows"). */
export const distinctUuids = (ids: readonly string[]) => [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
