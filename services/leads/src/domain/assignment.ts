// Owner assignment for new contacts. The caller persists `nextCursor` per tenant.

export type AssignmentRule =
  | { kind: 'ROUND_ROBIN'; userIds: string[] }
  | { kind: 'BY_INDUSTRY'; map: Record<string, string[]>; fallback: string[] }
  /** `map` is keyed by country code (e.g. "FR"), matched case-insensitively. */
  | { kind: 'BY_TERRITORY'; map: Record<string, string[]>; fallback: string[] };

export interface AssignmentContact {
  industry?: string | null;
  country?: string | null;
}

export interface OwnerPick {
  ownerId: string | null;
  nextCursor: number;
}

/** Case-insensitive, trimmed map lookup; a key mapped to an empty list counts as absent. */
function lookup(map: Record<string, string[]>, key: string | null | undefined): string[] | undefined {
  if (typeof key !== 'string' || key.trim() === '') return undefined;
  const wanted = key.trim().toLowerCase();
  for (const [k, ids] of Object.entries(map)) {
    if (k.trim().toLowerCase() === wanted && usable(ids).length > 0) return ids;
  }
  return undefined;
}

/** Blank ids are skipped so a misconfigured list never assigns an owner of "". */
function usable(ids: readonly string[] | undefined): string[] {
  return (ids ?? []).filter((id) => typeof id === 'string' && id.trim() !== '');
}

function candidates(rule: AssignmentRule, contact: AssignmentContact): string[] {
  switch (rule.kind) {
    case 'ROUND_ROBIN':
      return usable(rule.userIds);
    case 'BY_INDUSTRY':
      return usable(lookup(rule.map, contact.industry) ?? rule.fallback);
    case 'BY_TERRITORY':
      return usable(lookup(rule.map, contact.country) ?? rule.fallback);
  }
}

/**
 * Picks candidates[cursor mod n]. The cursor is an assignment counter, not an index, so it
 * stays meaningful when the candidate list changes length between calls. (One counter shared
 * by several map lists rotates each of them only roughly evenly.) A cursor that is
 * negative, fractional or not finite (bad stored data) is treated as 0. With no candidate the
 * cursor is returned unchanged.
 */
export function pickOwner(rule: AssignmentRule, contact: AssignmentContact, cursor: number): OwnerPick {
  const start = Number.isSafeInteger(cursor) && cursor >= 0 ? cursor : 0;
  const list = candidates(rule, contact);
  if (list.length === 0) return { ownerId: null, nextCursor: start };
  const ownerId = list[start % list.length] ?? null;
  const nextCursor = start === Number.MAX_SAFE_INTEGER ? 0 : start + 1;
  return { ownerId, nextCursor };
}
