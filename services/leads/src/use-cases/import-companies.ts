import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { ContactRow } from '../domain/csv-rows';

/**
 * captureLead's company rules for one import chunk (import-chunk.ts), set-based: a valid domain finds or creates the company of that
 * domain (ON CONFLICT on the partial unique index); else a name matches a company case-insensitively
 * (the oldest) or creates one. Returns each row's company id (null: the row names no company).
 */
export async function resolveCompanies(
  m: EntityManager,
  tenantId: string,
  rows: ContactRow[],
): Promise<(row: ContactRow) => string | null> {
  const byDomain = new Map<string, string>();
  const byName = new Map<string, string>();
  const nameKey = (name: string) => name.toLowerCase();

  // The first row naming a domain (or a name) gives a new company its name, industry and size.
  const domainRows = new Map<string, ContactRow>();
  const nameRows = new Map<string, ContactRow>();
  for (const r of rows) {
    if (r.companyDomain) {
      if (!domainRows.has(r.companyDomain)) domainRows.set(r.companyDomain, r);
    } else if (r.companyName && !nameRows.has(nameKey(r.companyName))) nameRows.set(nameKey(r.companyName), r);
  }

  if (domainRows.size) {
    // Sorted: concurrent imports insert shared new domains in one order (no deadlock).
    const domains = [...domainRows.keys()].sort();
    const reps = domains.map((d) => domainRows.get(d)!);
    await m.query(
      `INSERT INTO companies (tenant_id, name, domain, industry, size)
       SELECT $1, u.name, u.domain, u.industry, u.size
         FROM unnest($2::text[], $3::text[], $4::text[], $5::int[]) WITH ORDINALITY AS u(domain, name, industry, size, ord)
        ORDER BY u.ord
       ON CONFLICT (tenant_id, domain) WHERE domain IS NOT NULL DO NOTHING`,
      [
        tenantId,
        domains,
        reps.map((r) => r.companyName ?? r.companyDomain!.slice(0, 200)),
        reps.map((r) => r.industry),
        reps.map((r) => r.companySize),
      ],
    );
    const found: Array<{ id: string; domain: string }> = await m.query(
      'SELECT id, domain FROM companies WHERE tenant_id = $1 AND domain = ANY($2::text[])',
      [tenantId, domains],
    );
    for (const c of found) byDomain.set(c.domain, c.id);
  }

  if (nameRows.size) {
    const keys = [...nameRows.keys()].sort();
    const names = keys.map((k) => nameRows.get(k)!.companyName!);
    const found: Array<{ ord: number; id: string }> = await m.query(
      `SELECT DISTINCT ON (u.ord) u.ord::int AS ord, c.id
         FROM unnest($2::text[]) WITH ORDINALITY AS u(name, ord)
         JOIN companies c ON c.tenant_id = $1 AND lower(c.name) = lower(u.name)
        ORDER BY u.ord, c.created_at, c.id`,
      [tenantId, names],
    );
    for (const f of found) byName.set(keys[f.ord - 1], f.id);
    const missing = keys.filter((k) => !byName.has(k));
    if (missing.length) {
      const reps = missing.map((k) => nameRows.get(k)!);
      const ids = missing.map(() => randomUUID());
      await m.query(
        `INSERT INTO companies (id, tenant_id, name, industry, size)
         SELECT u.id, $1, u.name, u.industry, u.size
           FROM unnest($2::uuid[], $3::text[], $4::text[], $5::int[]) WITH ORDINALITY AS u(id, name, industry, size, ord)
          ORDER BY u.ord`,
        [tenantId, ids, reps.map((r) => r.companyName), reps.map((r) => r.industry), reps.map((r) => r.companySize)],
      );
      missing.forEach((k, i) => byName.set(k, ids[i]));
    }
  }

  return (row) => {
    if (row.companyDomain) return byDomain.get(row.companyDomain) ?? null;
    if (row.companyName) return byName.get(nameKey(row.companyName)) ?? null;
    return null;
  };
}
