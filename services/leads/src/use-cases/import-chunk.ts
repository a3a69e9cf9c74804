import type { EntityManager } from 'typeorm';
import { emitMany } from '@crm/events';
import type { Actor } from '@crm/service-kit';
import type { ContactRow } from '../domain/csv-rows';
import { isEmptyValue } from '../domain/dedupe';
import { ENGAGEMENT_KINDS, EngagementEvent, EngagementKind } from '../domain/scoring';
import { ChunkPlay, CompanyProfile, ContactState, Outcome, StageChangeRow } from './import-chunk-play';
import { resolveCompanies } from './import-companies';
import { loadSettings } from './settings';

// One chunk of importContacts (import.ts), inside the caller's transaction, set-based:
// captureLead's rules applied to many rows at once (see import.ts for the whole design). Here
// the reads and the writes; the rows themselves are played in import-chunk-play.ts.

export type { Outcome } from './import-chunk-play';

/** The email was created by a writer that does not take captureLead's lock, after we looked. */
export class ConcurrentContactWrite extends Error {
  constructor(email: string) {
    super(`contact ${email} was written concurrently`);
    this.name = 'ConcurrentContactWrite';
  }
}

/** One chunk, inside the caller's transaction: returns each row's outcome, in row order. */
export async function applyChunk(m: EntityManager, actor: Actor, rows: ContactRow[], now = new Date()): Promise<Outcome[]> {
  const tenantId = actor.tenantId;
  const emails = [...new Set(rows.map((r) => r.email))];
  // 1. captureLead's lock per address, taken in one global order (two imports never deadlock).
  await m.query(
    `SELECT count(*) FROM (
       SELECT pg_advisory_xact_lock(h) FROM (
         SELECT DISTINCT hashtext($1 || ':' || e) AS h FROM unnest($2::text[]) AS e ORDER BY h OFFSET 0) AS ordered) AS locked`,
    [tenantId, emails],
  );
  // 2. The tenant's rules; the settings row is locked only when owners may be assigned (cursor).
  let settings = await loadSettings(m, tenantId);
  if (settings.assignmentRule) settings = await loadSettings(m, tenantId, true);
  // 3. Companies, as captureLead finds or creates them; 4. the known contacts, locked.
  const companyIdOf = await resolveCompanies(m, tenantId, rows);
  const states = await lockKnownContacts(m, tenantId, emails);
  // 5. What scoring and assignment read.
  const soFar: ChunkSoFar = { m, tenantId, rows, states, companyIdOf };
  const profiles = await companyProfiles(soFar);
  const engagements = await engagementsOfRescorable(soFar);
  // 6. Play the rows in file order, exactly as captureLead would one after another.
  const play = new ChunkPlay({ actor, now, settings, states, profiles, engagements, companyIdOf });
  const outcomes = rows.map((row) => play.play(row));
  // 7. Write: contacts, their history and touches, the settings cursor, the events.
  await writeContacts(m, tenantId, play.written());
  if (play.stageChanges.length) await writeStageChanges(m, actor, now, play.stageChanges);
  await writeTouches(m, tenantId, now, play.touches);
  if (play.cursorMoved) {
    await m.query('UPDATE lead_settings SET assignment_cursor = $2, updated_at = now() WHERE tenant_id = $1', [tenantId, play.cursor]);
  }
  // The outbox writes them in slices of 500 as the chunk commits (a large array parameter is
  // parsed in time that grows faster than its length).
  await emitMany(m, play.events);
  return outcomes;
}

/** The chunk's known contacts by email, row-locked in id order. */
async function lockKnownContacts(m: EntityManager, tenantId: string, emails: string[]): Promise<Map<string, ContactState>> {
  const existing: Array<Omit<ContactState, 'isNew' | 'dirty' | 'budget'> & { budget: string | null }> = await m.query(
    `SELECT id, email, first_name AS "firstName", last_name AS "lastName", job_title AS "jobTitle", phone,
            company_id AS "companyId", source, country, budget::text AS budget, lifecycle_stage AS "lifecycleStage",
            owner_id AS "ownerId", score, fit_score AS "fitScore", engagement_score AS "engagementScore"
       FROM contacts WHERE tenant_id = $1 AND email = ANY($2::text[]) ORDER BY id FOR UPDATE`,
    [tenantId, emails],
  );
  const states = new Map<string, ContactState>();
  for (const e of existing) {
    states.set(e.email, { ...e, budget: e.budget === null ? null : Number(e.budget), isNew: false, dirty: false });
  }
  return states;
}

/** What a chunk knows once its companies are resolved and its known contacts locked. */
interface ChunkSoFar {
  m: EntityManager;
  tenantId: string;
  rows: ContactRow[];
  states: Map<string, ContactState>;
  companyIdOf: (row: ContactRow) => string | null;
}

/** Industry and size of every company a row or a known contact names (scoring and assignment read them). */
async function companyProfiles({ m, tenantId, rows, states, companyIdOf }: ChunkSoFar): Promise<Map<string, CompanyProfile>> {
  const companyIds = new Set<string>(rows.map(companyIdOf).filter((id): id is string => id !== null));
  for (const s of states.values()) if (s.companyId) companyIds.add(s.companyId);
  const profiles = new Map<string, CompanyProfile>();
  if (!companyIds.size) return profiles;
  const found: Array<{ id: string } & CompanyProfile> = await m.query(
    'SELECT id, industry, size FROM companies WHERE tenant_id = $1 AND id = ANY($2::uuid[])',
    [tenantId, [...companyIds]],
  );
  for (const c of found) profiles.set(c.id, { industry: c.industry, size: c.size });
  return profiles;
}

/** The engagements of known contacts a row may give a scoring field: only those can be rescored. */
async function engagementsOfRescorable({ m, tenantId, rows, states, companyIdOf }: ChunkSoFar): Promise<Map<string, EngagementEvent[]>> {
  const mayRescore = new Set<string>();
  for (const r of rows) {
    const s = states.get(r.email);
    if (
      s &&
      ((isEmptyValue(s.jobTitle) && r.jobTitle) ||
        (s.budget === null && r.budget !== null) ||
        (isEmptyValue(s.companyId) && companyIdOf(r)))
    ) {
      mayRescore.add(s.id);
    }
  }
  const engagements = new Map<string, EngagementEvent[]>();
  if (!mayRescore.size) return engagements;
  const found: Array<{ contactId: string; kind: string; at: Date }> = await m.query(
    'SELECT contact_id AS "contactId", kind, at FROM contact_engagements WHERE tenant_id = $1 AND contact_id = ANY($2::uuid[])',
    [tenantId, [...mayRescore]],
  );
  for (const e of found) {
    if (!(ENGAGEMENT_KINDS as readonly string[]).includes(e.kind)) continue;
    const list = engagements.get(e.contactId) ?? [];
    list.push({ kind: e.kind as EngagementKind, at: e.at });
    engagements.set(e.contactId, list);
  }
  return engagements;
}

/** The created and changed contacts, one statement; each must come back as this chunk expects. */
async function writeContacts(m: EntityManager, tenantId: string, written: ContactState[]): Promise<void> {
  if (!written.length) return;
  const col = <K extends keyof ContactState>(k: K) => written.map((s) => s[k]);
  const fill = (column: string) =>
    `${column} = CASE WHEN btrim(coalesce(c.${column}, '')) = '' THEN EXCLUDED.${column} ELSE c.${column} END`;
  const returned: Array<{ id: string; email: string; inserted: boolean }> = await m.query(
    `INSERT INTO contacts AS c (id, tenant_id, email, first_name, last_name, job_title, phone, company_id, source, country, budget,
                                lifecycle_stage, owner_id, score, fit_score, engagement_score, version)
     SELECT u.id, $1, u.email, u.first_name, u.last_name, u.job_title, u.phone, u.company_id, u.source, u.country, u.budget,
            u.lifecycle_stage, u.owner_id, u.score, u.fit_score, u.engagement_score, 1
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::uuid[], $9::text[], $10::text[],
                   $11::bigint[], $12::text[], $13::text[], $14::int[], $15::int[], $16::int[])
            WITH ORDINALITY AS u(id, email, first_name, last_name, job_title, phone, company_id, source, country, budget,
                                 lifecycle_stage, owner_id, score, fit_score, engagement_score, ord)
      ORDER BY u.ord
     ON CONFLICT (tenant_id, email) DO UPDATE SET
       ${fill('first_name')}, ${fill('last_name')}, ${fill('job_title')}, ${fill('phone')}, ${fill('source')}, ${fill('country')},
       company_id = coalesce(c.company_id, EXCLUDED.company_id), budget = coalesce(c.budget, EXCLUDED.budget),
       owner_id = coalesce(c.owner_id, EXCLUDED.owner_id), lifecycle_stage = EXCLUDED.lifecycle_stage,
       score = EXCLUDED.score, fit_score = EXCLUDED.fit_score, engagement_score = EXCLUDED.engagement_score,
       updated_at = now(), version = c.version + 1
     RETURNING c.id, c.email, (c.xmax = 0) AS inserted`,
    [
      tenantId,
      col('id'),
      col('email'),
      col('firstName'),
      col('lastName'),
      col('jobTitle'),
      col('phone'),
      col('companyId'),
      col('source'),
      col('country'),
      col('budget'),
      col('lifecycleStage'),
      col('ownerId'),
      col('score'),
      col('fitScore'),
      col('engagementScore'),
    ],
  );
  // Every address is locked (advisory + row lock), so a surprise here means a writer that takes
  // neither created the contact meanwhile: roll back, the row-by-row retry sees it as known.
  const byEmail = new Map(returned.map((r) => [r.email, r]));
  for (const s of written) {
    const r = byEmail.get(s.email);
    if (!r || r.id !== s.id || r.inserted !== s.isNew) throw new ConcurrentContactWrite(s.email);
  }
}

async function writeStageChanges(m: EntityManager, actor: Actor, now: Date, stageChanges: StageChangeRow[]): Promise<void> {
  const tenantId = actor.tenantId;
  await m.query(
    `INSERT INTO stage_changes (tenant_id, contact_id, from_stage, to_stage, at, reason, actor, source)
     SELECT $1, u.contact_id, u.from_stage, u.to_stage, $2, u.reason, $3, u.source
       FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[])
            WITH ORDINALITY AS u(contact_id, from_stage, to_stage, reason, source, ord)
      ORDER BY u.ord`,
    [
      tenantId,
      now,
      actor.userId,
      stageChanges.map((s) => s.contactId),
      stageChanges.map((s) => s.from),
      stageChanges.map((s) => s.to),
      stageChanges.map((s) => s.reason),
      stageChanges.map((s) => s.source),
    ],
  );
}

async function writeTouches(m: EntityManager, tenantId: string, now: Date, touches: Array<{ contactId: string; source: string }>) {
  await m.query(
    `INSERT INTO contact_touches (tenant_id, contact_id, source, at)
     SELECT $1, u.contact_id, u.source, $2 FROM unnest($3::uuid[], $4::text[]) WITH ORDINALITY AS u(contact_id, source, ord) ORDER BY u.ord`,
    [tenantId, now, touches.map((t) => t.contactId), touches.map((t) => t.source)],
  );
}
