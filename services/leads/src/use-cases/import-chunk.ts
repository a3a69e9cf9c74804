import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { emitMany, type EventData, type EventType, type NewEvent } from '@crm/events';
import { pickOwner } from '../domain/assignment';
import type { ContactRow } from '../domain/csv-rows';
import { isEmptyValue, mergeContactFields } from '../domain/dedupe';
import { checkTransition, LifecycleStage, onScoreChanged, StageChangeSource } from '../domain/lifecycle';
import { ENGAGEMENT_KINDS, EngagementEvent, EngagementKind, scoreContact } from '../domain/scoring';
import type { Actor } from '@crm/service-kit';
import { VISITOR_SOURCES } from './capture';
import { loadSettings } from './settings';

// One chunk of importContacts (import.ts), inside the caller's transaction, set-based:
// captureLead's rules applied to many rows at once (see import.ts for the whole design).

/** The source of a touch (and of a new contact) when the row has none. */
const IMPORT_SOURCE = 'import';
/** captureLead's PROFILE_FIELDS: what a capture (and so a row) may fill on a known contact. */
const FILLABLE = ['firstName', 'lastName', 'jobTitle', 'phone', 'source', 'companyId', 'country', 'budget'] as const;
type Fillable = (typeof FILLABLE)[number];
/** Fields the fit score reads: filling one rescores the contact (as updateContact does). */
const SCORING_FIELDS: ReadonlySet<string> = new Set(['jobTitle', 'budget', 'companyId']);

/** The email was created by a writer that does not take captureLead's lock, after we looked. */
export class ConcurrentContactWrite extends Error {
  constructor(email: string) {
    super(`contact ${email} was written concurrently`);
    this.name = 'ConcurrentContactWrite';
  }
}

export type Outcome = 'created' | 'updated' | 'unchanged';

interface ContactState {
  id: string;
  email: string;
  /** Created by this chunk. */
  isNew: boolean;
  /** Changed by this chunk (must be written). */
  dirty: boolean;
  firstName: string | null;
  lastName: string | null;
  jobTitle: string | null;
  phone: string | null;
  source: string | null;
  companyId: string | null;
  country: string | null;
  budget: number | null;
  lifecycleStage: LifecycleStage;
  ownerId: string | null;
  score: number;
  fitScore: number;
  engagementScore: number;
}

interface CompanyProfile {
  industry: string | null;
  size: number | null;
}

interface StageChangeRow {
  contactId: string;
  from: LifecycleStage | null;
  to: LifecycleStage;
  reason: string | null;
  source: StageChangeSource;
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
  let cursor = settings.assignmentCursor;
  let cursorMoved = false;

  // 3. Companies, as captureLead finds or creates them.
  const companyIdOf = await resolveCompanies(m, tenantId, rows);

  // 4. The known contacts, locked.
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

  // 5. What scoring and assignment read: company profiles, and the engagements of known contacts
  //    that a row may give a scoring field (only those can be rescored).
  const companyIds = new Set<string>(rows.map(companyIdOf).filter((id): id is string => id !== null));
  for (const s of states.values()) if (s.companyId) companyIds.add(s.companyId);
  const profiles = new Map<string, CompanyProfile>();
  if (companyIds.size) {
    const found: Array<{ id: string } & CompanyProfile> = await m.query(
      'SELECT id, industry, size FROM companies WHERE tenant_id = $1 AND id = ANY($2::uuid[])',
      [tenantId, [...companyIds]],
    );
    for (const c of found) profiles.set(c.id, { industry: c.industry, size: c.size });
  }
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
  if (mayRescore.size) {
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
  }

  // 6. Play the rows in file order, exactly as captureLead would one after another.
  const events: Array<NewEvent<EventType>> = [];
  const stageChanges: StageChangeRow[] = [];
  const touches: Array<{ contactId: string; source: string }> = [];
  const at = now.toISOString();

  const emit = <T extends EventType>(type: T, contactId: string, data: EventData<T>) => {
    events.push({ type, tenantId, aggregateId: contactId, actor: actor.userId, occurredAt: now, data } as NewEvent<EventType>);
  };
  const recordMove = (
    c: ContactState,
    from: LifecycleStage | null,
    to: LifecycleStage,
    reason: string | null,
    source: StageChangeSource,
  ) => {
    stageChanges.push({ contactId: c.id, from, to, reason, source });
    c.lifecycleStage = to;
    c.dirty = true;
    emit('contact.lifecycle_stage_changed', c.id, { from, to, reason, source, at });
  };
  const assignIfDue = (c: ContactState, trigger: 'CAPTURE' | 'MQL') => {
    const rule = settings.assignmentRule;
    if (c.ownerId || !rule || settings.assignOn !== trigger) return;
    const company = c.companyId ? profiles.get(c.companyId) : undefined;
    const pick = pickOwner(rule, { industry: company?.industry ?? null, country: c.country }, cursor);
    if (!pick.ownerId) return;
    cursor = pick.nextCursor;
    cursorMoved = true;
    c.ownerId = pick.ownerId;
    c.dirty = true;
    emit('contact.updated', c.id, { changedFields: ['ownerId'], values: { ownerId: pick.ownerId } });
  };
  const ruleMove = (c: ContactState, to: LifecycleStage, reason: string) => {
    const verdict = checkTransition(c.lifecycleStage, to, reason);
    if (!verdict.ok) throw new Error(`import: scoring rule move ${c.lifecycleStage} -> ${to} refused: ${verdict.message}`);
    recordMove(c, c.lifecycleStage, to, reason.trim() || null, 'RULE');
    if (to === 'MQL') assignIfDue(c, 'MQL');
  };
  const rescore = (c: ContactState) => {
    const company = c.companyId ? profiles.get(c.companyId) : undefined;
    const profile = { industry: company?.industry ?? null, companySize: company?.size ?? null, jobTitle: c.jobTitle, budget: c.budget };
    const result = scoreContact(profile, engagements.get(c.id) ?? [], settings.scoringRules, now);
    const fit = Math.round(result.fit);
    const engagement = Math.round(result.engagement);
    const previous = c.score;
    if (result.score === previous && fit === c.fitScore && engagement === c.engagementScore) return;
    c.score = result.score;
    c.fitScore = fit;
    c.engagementScore = engagement;
    c.dirty = true;
    emit('contact.score_changed', c.id, { previous, score: result.score, fit, engagement });
    const move = onScoreChanged(c.lifecycleStage, previous, result.score, settings.scoringRules.mqlThreshold);
    if (move?.via) ruleMove(c, move.via, move.reason);
    if (move) ruleMove(c, move.to, move.reason);
  };

  const outcomes: Outcome[] = [];
  for (const row of rows) {
    // The touch, and a new contact, carry the row's source or 'import'; a known contact's empty
    // source is filled only by a source the file states (the import is not where it came from).
    const source = row.source ?? IMPORT_SOURCE;
    const incoming: Record<Fillable, string | number | null> = {
      firstName: row.firstName,
      lastName: row.lastName,
      jobTitle: row.jobTitle,
      phone: row.phone,
      source: row.source,
      companyId: companyIdOf(row),
      country: row.country,
      budget: row.budget,
    };
    let c = states.get(row.email);
    if (!c) {
      const stage: LifecycleStage = VISITOR_SOURCES.has(source) ? 'VISITOR' : 'LEAD';
      c = {
        id: randomUUID(),
        email: row.email,
        isNew: true,
        dirty: true,
        firstName: row.firstName,
        lastName: row.lastName,
        jobTitle: row.jobTitle,
        phone: row.phone,
        source,
        companyId: companyIdOf(row),
        country: row.country,
        budget: row.budget,
        lifecycleStage: stage,
        ownerId: null,
        score: 0,
        fitScore: 0,
        engagementScore: 0,
      };
      states.set(row.email, c);
      const company = c.companyId ? profiles.get(c.companyId) : undefined;
      emit('contact.created', c.id, {
        email: c.email,
        firstName: c.firstName,
        lastName: c.lastName,
        lifecycleStage: stage,
        source: c.source,
        ownerId: null,
        companyId: c.companyId,
        industry: company?.industry ?? null,
        companySize: company?.size ?? null,
        score: c.score,
        referrerId: null,
      });
      recordMove(c, null, stage, 'imported', 'IMPORT');
      assignIfDue(c, 'CAPTURE');
      touches.push({ contactId: c.id, source });
      rescore(c);
      outcomes.push('created');
      continue;
    }
    const { changedFields } = mergeContactFields(c as Record<Fillable, unknown>, incoming, FILLABLE);
    for (const f of changedFields) (c as unknown as Record<string, unknown>)[f] = incoming[f];
    if (changedFields.length) {
      c.dirty = true;
      emit('contact.updated', c.id, {
        changedFields: changedFields.map(String),
        values: Object.fromEntries(changedFields.map((f) => [f, incoming[f]])),
      });
    }
    // A visitor who now identifies (here: in an imported list) becomes a lead, as in captureLead.
    const identified = c.lifecycleStage === 'VISITOR' && !VISITOR_SOURCES.has(source);
    if (identified) recordMove(c, 'VISITOR', 'LEAD', `identified (${source})`, 'IMPORT');
    touches.push({ contactId: c.id, source });
    if (changedFields.some((f) => SCORING_FIELDS.has(f))) rescore(c);
    outcomes.push(changedFields.length || identified ? 'updated' : 'unchanged');
  }

  // 7. Write: contacts, their history and touches, the settings cursor, the events.
  const written = [...states.values()].filter((s) => s.dirty);
  if (written.length) {
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
  if (stageChanges.length) {
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
  await m.query(
    `INSERT INTO contact_touches (tenant_id, contact_id, source, at)
     SELECT $1, u.contact_id, u.source, $2 FROM unnest($3::uuid[], $4::text[]) WITH ORDINALITY AS u(contact_id, source, ord) ORDER BY u.ord`,
    [tenantId, now, touches.map((t) => t.contactId), touches.map((t) => t.source)],
  );
  if (cursorMoved) {
    await m.query('UPDATE lead_settings SET assignment_cursor = $2, updated_at = now() WHERE tenant_id = $1', [tenantId, cursor]);
  }
  // The outbox writes them in slices of 500 as the chunk commits (a large array parameter is
  // parsed in time that grows faster than its length).
  await emitMany(m, events);
  return outcomes;
}

/**
 * captureLead's company rules, for a chunk: a valid domain finds or creates the company of that
 * domain (ON CONFLICT on the partial unique index); else a name matches a company case-insensitively
 * (the oldest) or creates one. Returns each row's company id (null: the row names no company).
 */
async function resolveCompanies(m: EntityManager, tenantId: string, rows: ContactRow[]): Promise<(row: ContactRow) => string | null> {
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
