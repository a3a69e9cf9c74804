import { CAMPAIGN_CHANNELS, CAMPAIGN_KINDS, CAMPAIGN_STATUSES } from '@crm/events';
import { badInput, characterLength, conflict } from '@crm/service-kit';

export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];
export type CampaignChannel = (typeof CAMPAIGN_CHANNELS)[number];
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** docs/api.md: DRAFT → ACTIVE ⇄ PAUSED; ACTIVE|PAUSED → COMPLETED; DRAFT|PAUSED → CANCELLED. */
const MOVES: Readonly<Record<CampaignStatus, readonly CampaignStatus[]>> = {
  DRAFT: ['ACTIVE', 'CANCELLED'],
  ACTIVE: ['PAUSED', 'COMPLETED'],
  PAUSED: ['ACTIVE', 'COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
};

export const canMoveCampaign = (from: CampaignStatus, to: CampaignStatus) => MOVES[from].includes(to);

/** Throws CONFLICT (with from/to) for a move the status machine does not allow. */
export function checkCampaignMove(from: CampaignStatus, to: CampaignStatus): void {
  if (!canMoveCampaign(from, to)) throw conflict(`A ${from} campaign cannot become ${to}`, { reason: 'ILLEGAL_TRANSITION', from, to });
}

/** Members join a campaign until it is completed or cancelled. */
export function checkAcceptsMembers(status: CampaignStatus): void {
  if (status === 'COMPLETED' || status === 'CANCELLED') {
    throw conflict(`A ${status} campaign takes no new members`, { reason: 'CAMPAIGN_CLOSED', status });
  }
}

export const DEFAULT_CURRENCY = 'USD';
export const MAX_NAME_LENGTH = 200;
export const MAX_NOTE_LENGTH = 500;

export interface CampaignDraft {
  name: string;
  kind: CampaignKind;
  channel: CampaignChannel | null;
  budget: number | null;
  currency: string;
  startsAt: Date | null;
  endsAt: Date | null;
}

export function validName(name: string | null | undefined, field = 'name'): string {
  const trimmed = (name ?? '').trim().replace(/\s+/g, ' ');
  if (!trimmed) throw badInput(field, `${field} must not be empty`);
  if (characterLength(trimmed) > MAX_NAME_LENGTH) throw badInput(field, `${field} must be at most ${MAX_NAME_LENGTH} characters`);
  return trimmed;
}

/** A new campaign's fields, checked and normalised (currency upper-cased, default USD). */
/** What createCampaign accepts, before validation. */
export interface CampaignDraftInput {
  name: string;
  kind: string;
  channel?: string | null;
  budget?: number | null;
  currency?: string | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
}

export function validateCampaignDraft(input: CampaignDraftInput): CampaignDraft {
  const name = validName(input.name);
  if (!(CAMPAIGN_KINDS as readonly string[]).includes(input.kind))
    throw badInput('kind', `kind must be one of ${CAMPAIGN_KINDS.join(', ')}`);
  if (input.channel != null && !(CAMPAIGN_CHANNELS as readonly string[]).includes(input.channel)) {
    throw badInput('channel', `channel must be one of ${CAMPAIGN_CHANNELS.join(', ')}`);
  }
  if (input.budget != null && (!Number.isSafeInteger(input.budget) || input.budget < 0))
    throw badInput('budget', 'budget must be a non-negative integer of minor units');
  const currency = (input.currency ?? DEFAULT_CURRENCY).trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw badInput('currency', 'currency must be a 3-letter ISO 4217 code');
  const startsAt = input.startsAt ?? null;
  const endsAt = input.endsAt ?? null;
  if (startsAt && endsAt && endsAt < startsAt) throw badInput('endsAt', 'endsAt must not be before startsAt');
  return {
    name,
    kind: input.kind as CampaignKind,
    channel: (input.channel ?? null) as CampaignChannel | null,
    budget: input.budget ?? null,
    currency,
    startsAt,
    endsAt,
  };
}

/** A cost entry: a positive amount that keeps actualCost a safe integer; an optional short note. */
export function validateCost(actualCost: number, amount: number, note: string | null | undefined): { amount: number; note: string | null } {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw badInput('amount', 'amount must be a positive integer of minor units');
  if (!Number.isSafeInteger(actualCost + amount)) throw badInput('amount', 'actualCost would exceed 2^53 - 1');
  const cleaned = note?.trim() || null;
  if (cleaned && characterLength(cleaned) > MAX_NOTE_LENGTH) throw badInput('note', `note must be at most ${MAX_NOTE_LENGTH} characters`);
  return { amount, note: cleaned };
}

/** ROI = (influenced revenue − cost) / cost (docs/kpis.md); null while nothing was spent. */
export function campaignRoi(influencedRevenue: number, actualCost: number): number | null {
  if (actualCost <= 0) return null;
  return (influencedRevenue - actualCost) / actualCost;
}
