import { randomUUID } from 'node:crypto';
import type { EventData, EventType, NewEvent } from '@crm/events';
import type { Actor } from '@crm/service-kit';
import { pickOwner } from '../domain/assignment';
import type { ContactRow } from '../domain/csv-rows';
import { mergeContactFields } from '../domain/dedupe';
import { checkTransition, LifecycleStage, onScoreChanged, StageChangeSource } from '../domain/lifecycle';
import { EngagementEvent, FIT_SCORE_FIELDS, scoreContact } from '../domain/scoring';
import { VISITOR_SOURCES } from './capture';
import type { loadSettings } from './settings';

// The rows of one import chunk played in file order, in memory, exactly as captureLead would
// take them one after another: what each row changes, the stage moves, owners and scores it
// causes, and the events of all that. import-chunk.ts reads what this needs and writes what it
// leaves (states marked dirty, stage changes, touches, events).

/** The source of a touch (and of a new contact) when the row has none. */
const IMPORT_SOURCE = 'import';
/** captureLead's PROFILE_FIELDS: what a capture (and so a row) may fill on a known contact. */
const FILLABLE = ['firstName', 'lastName', 'jobTitle', 'phone', 'source', 'companyId', 'country', 'budget'] as const;
type Fillable = (typeof FILLABLE)[number];

export type Outcome = 'created' | 'updated' | 'unchanged';

export interface ContactState {
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

export interface CompanyProfile {
  industry: string | null;
  size: number | null;
}

export interface StageChangeRow {
  contactId: string;
  from: LifecycleStage | null;
  to: LifecycleStage;
  reason: string | null;
  source: StageChangeSource;
}

/** What a chunk's play reads: the tenant's rules, the known contacts, company profiles, engagements. */
export interface ChunkInputs {
  actor: Actor;
  now: Date;
  settings: Awaited<ReturnType<typeof loadSettings>>;
  states: Map<string, ContactState>;
  profiles: Map<string, CompanyProfile>;
  engagements: Map<string, EngagementEvent[]>;
  companyIdOf: (row: ContactRow) => string | null;
}

export class ChunkPlay {
  readonly events: Array<NewEvent<EventType>> = [];
  readonly stageChanges: StageChangeRow[] = [];
  readonly touches: Array<{ contactId: string; source: string }> = [];
  /** The round-robin cursor of owner assignment, and whether this chunk moved it. */
  cursor: number;
  cursorMoved = false;
  private readonly at: string;

  constructor(private readonly input: ChunkInputs) {
    this.cursor = input.settings.assignmentCursor;
    this.at = input.now.toISOString();
  }

  /** Every contact the chunk created or changed. */
  written(): ContactState[] {
    return [...this.input.states.values()].filter((s) => s.dirty);
  }

  /** One row, after the rows before it. */
  play(row: ContactRow): Outcome {
    const known = this.input.states.get(row.email);
    return known ? this.playKnown(row, known) : this.playNew(row);
  }

  private playNew(row: ContactRow): Outcome {
    // The touch, and a new contact, carry the row's source or 'import'.
    const source = row.source ?? IMPORT_SOURCE;
    const stage: LifecycleStage = VISITOR_SOURCES.has(source) ? 'VISITOR' : 'LEAD';
    const c: ContactState = {
      id: randomUUID(),
      email: row.email,
      isNew: true,
      dirty: true,
      firstName: row.firstName,
      lastName: row.lastName,
      jobTitle: row.jobTitle,
      phone: row.phone,
      source,
      companyId: this.input.companyIdOf(row),
      country: row.country,
      budget: row.budget,
      lifecycleStage: stage,
      ownerId: null,
      score: 0,
      fitScore: 0,
      engagementScore: 0,
    };
    this.input.states.set(row.email, c);
    const company = c.companyId ? this.input.profiles.get(c.companyId) : undefined;
    this.emit('contact.created', c.id, {
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
    this.recordMove(c, null, stage, 'imported', 'IMPORT');
    this.assignIfDue(c, 'CAPTURE');
    this.touches.push({ contactId: c.id, source });
    this.rescore(c);
    return 'created';
  }

  private playKnown(row: ContactRow, c: ContactState): Outcome {
    // A known contact's empty source is filled only by a source the file states (the import is
    // not where it came from); the touch carries the row's source or 'import'.
    const source = row.source ?? IMPORT_SOURCE;
    const incoming: Record<Fillable, string | number | null> = {
      firstName: row.firstName,
      lastName: row.lastName,
      jobTitle: row.jobTitle,
      phone: row.phone,
      source: row.source,
      companyId: this.input.companyIdOf(row),
      country: row.country,
      budget: row.budget,
    };
    const { changedFields } = mergeContactFields(c as Record<Fillable, unknown>, incoming, FILLABLE);
    for (const f of changedFields) (c as unknown as Record<string, unknown>)[f] = incoming[f];
    if (changedFields.length) {
      c.dirty = true;
      this.emit('contact.updated', c.id, {
        changedFields: changedFields.map(String),
        values: Object.fromEntries(changedFields.map((f) => [f, incoming[f]])),
      });
    }
    // A visitor who now identifies (here: in an imported list) becomes a lead, as in captureLead.
    const identified = c.lifecycleStage === 'VISITOR' && !VISITOR_SOURCES.has(source);
    if (identified) this.recordMove(c, 'VISITOR', 'LEAD', `identified (${source})`, 'IMPORT');
    this.touches.push({ contactId: c.id, source });
    if (changedFields.some((f) => FIT_SCORE_FIELDS.has(f))) this.rescore(c);
    return changedFields.length || identified ? 'updated' : 'unchanged';
  }

  private emit<T extends EventType>(type: T, contactId: string, data: EventData<T>) {
    const { actor, now } = this.input;
    this.events.push({
      type,
      tenantId: actor.tenantId,
      aggregateId: contactId,
      actor: actor.userId,
      occurredAt: now,
      data,
    } as NewEvent<EventType>);
  }

  private recordMove(c: ContactState, from: LifecycleStage | null, to: LifecycleStage, reason: string | null, source: StageChangeSource) {
    this.stageChanges.push({ contactId: c.id, from, to, reason, source });
    c.lifecycleStage = to;
    c.dirty = true;
    this.emit('contact.lifecycle_stage_changed', c.id, { from, to, reason, source, at: this.at });
  }

  private assignIfDue(c: ContactState, trigger: 'CAPTURE' | 'MQL') {
    const { settings, profiles } = this.input;
    const rule = settings.assignmentRule;
    if (c.ownerId || !rule || settings.assignOn !== trigger) return;
    const company = c.companyId ? profiles.get(c.companyId) : undefined;
    const pick = pickOwner(rule, { industry: company?.industry ?? null, country: c.country }, this.cursor);
    if (!pick.ownerId) return;
    this.cursor = pick.nextCursor;
    this.cursorMoved = true;
    c.ownerId = pick.ownerId;
    c.dirty = true;
    this.emit('contact.updated', c.id, { changedFields: ['ownerId'], values: { ownerId: pick.ownerId } });
  }

  private ruleMove(c: ContactState, to: LifecycleStage, reason: string) {
    const verdict = checkTransition(c.lifecycleStage, to, reason);
    if (!verdict.ok) throw new Error(`import: scoring rule move ${c.lifecycleStage} -> ${to} refused: ${verdict.message}`);
    this.recordMove(c, c.lifecycleStage, to, reason.trim() || null, 'RULE');
    if (to === 'MQL') this.assignIfDue(c, 'MQL');
  }

  private rescore(c: ContactState) {
    const { settings, profiles, engagements, now } = this.input;
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
    this.emit('contact.score_changed', c.id, { previous, score: result.score, fit, engagement });
    const move = onScoreChanged(c.lifecycleStage, previous, result.score, settings.scoringRules.mqlThreshold);
    if (move?.via) this.ruleMove(c, move.via, move.reason);
    if (move) this.ruleMove(c, move.to, move.reason);
  }
}
