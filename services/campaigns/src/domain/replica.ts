/** The contact properties campaigns replicates from events (what segments select on). */
export interface ReplicaProperties {
  stage: string | null;
  score: number | null;
  industry: string | null;
  companySize: number | null;
  source: string | null;
  ownerId: string | null;
  churnRisk: boolean;
  customerSince: Date | null;
  lastPurchaseAt: Date | null;
  lastEngagementAt: Date | null;
  createdAt: Date | null;
  referrerId: string | null;
}
export type ReplicaProperty = keyof ReplicaProperties;
/** Per property, the event time (ISO) that set its current value. */
export type PropertyVersions = Partial<Record<ReplicaProperty, string>>;

/**
 * Applies the properties an event carries, each only if the event is not older than the one
 * that set the current value: out-of-order and duplicate deliveries leave the replica exact.
 * An equal time applies (events of one contact on one topic arrive in order).
 */
export function applyReplicaChange(
  versions: PropertyVersions,
  change: Partial<ReplicaProperties>,
  at: Date,
): { values: Partial<ReplicaProperties>; versions: PropertyVersions } {
  const values: Partial<ReplicaProperties> = {};
  const next: PropertyVersions = { ...versions };
  for (const key of Object.keys(change) as ReplicaProperty[]) {
    if (change[key] === undefined) continue;
    const current = versions[key];
    if (current !== undefined && new Date(current).getTime() > at.getTime()) continue;
    (values as Record<string, unknown>)[key] = change[key];
    next[key] = at.toISOString();
  }
  return { values, versions: next };
}

const str = (v: unknown, max: number) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : null);
const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : null);
const date = (v: unknown) => {
  const d = typeof v === 'string' || v instanceof Date ? new Date(v) : null;
  return d && !Number.isNaN(d.getTime()) ? d : null;
};

/** The replicated properties a contact.updated carries (`values` of its changedFields). */
export function replicaChangeFromUpdate(
  changedFields: readonly string[],
  values: Record<string, unknown> | undefined,
): Partial<ReplicaProperties> {
  const v = values ?? {};
  const change: Partial<ReplicaProperties> = {};
  const present = (k: string) => changedFields.includes(k) && k in v;
  if (present('ownerId')) change.ownerId = str(v.ownerId, 64);
  if (present('source')) change.source = str(v.source, 50)?.toLowerCase() ?? null;
  if (present('industry')) change.industry = str(v.industry, 100);
  if (present('companySize')) change.companySize = int(v.companySize);
  if (present('churnRisk') && typeof v.churnRisk === 'boolean') change.churnRisk = v.churnRisk;
  if (present('lastEngagementAt')) change.lastEngagementAt = date(v.lastEngagementAt);
  if (present('score')) change.score = int(v.score);
  return change;
}
