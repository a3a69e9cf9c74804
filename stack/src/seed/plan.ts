// The demo tenant's story, pure and deterministic: who is captured when, and what happens to
// each contact afterwards. run.ts plays it through the real use cases.
import { between, chance, delayDays, intBetween, pick, streamFor, type Rng } from './random';
import { COMPANIES, COUNTRIES, FIRST_NAMES, JOB_TITLES, LAST_NAMES, SOURCES } from './names';

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

export interface PlanOptions {
  contacts: number;
  months: number;
  seed: number;
  /** The story ends here (exclusive); it starts `months` before. */
  end: Date;
}

export type ResponseKind = 'OPENED' | 'CLICKED' | 'RESPONDED';
export type CampaignKindName = 'ACQUISITION' | 'NURTURE' | 'RETENTION' | 'RECONQUEST' | 'REFERRAL';

export interface CampaignPlan {
  name: string;
  kind: CampaignKindName;
  channel: string;
  budget: number;
  createdAt: Date;
  launchedAt: Date;
  /** Completed at (null: still running at the end). */
  endsAt: Date | null;
  costs: Array<{ at: Date; amount: number; note: string }>;
}

export interface DealPlan {
  kind: 'NEW_BUSINESS' | 'UPSELL';
  amount: number;
  createdAt: Date;
  outcome: 'WON' | 'LOST' | 'OPEN';
  closedAt: Date | null;
  lostReason: string | null;
}

export interface TicketPlan {
  openedAt: Date;
  priority: 'LOW' | 'NORMAL' | 'HIGH' | 'URGENT';
  channel: 'EMAIL' | 'CHAT' | 'PHONE' | 'WEB';
  firstResponseAt: Date | null;
  pendingAt: Date | null;
  resumedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  csat: { at: Date; score: number } | null;
}

/** A stage change the seed asks for (changeLifecycleStage); reactions to deals and NPS come by events. */
export interface StageMovePlan {
  to: 'MQL' | 'SQL' | 'DISQUALIFIED' | 'CHURNED';
  at: Date;
  reason: string | null;
}

export interface ContactPlan {
  index: number;
  email: string;
  firstName: string;
  lastName: string;
  jobTitle: string;
  companyName: string;
  companyDomain: string;
  industry: string;
  companySize: number;
  country: string;
  source: string;
  capturedAt: Date;
  moves: StageMovePlan[];
  campaign: { index: number; addedAt: Date; response: { kind: ResponseKind; at: Date } | null } | null;
  deal: DealPlan | null;
  upsell: DealPlan | null;
  tickets: TicketPlan[];
  nps: { at: Date; score: number } | null;
  churnAt: Date | null;
  winBack: DealPlan | null;
}

export interface SeedPlan {
  start: Date;
  end: Date;
  campaigns: CampaignPlan[];
  contacts: ContactPlan[];
}

const CAMPAIGN_SHAPES: Array<[string, CampaignKindName, string, number, number, number | null]> = [
  // name, kind, channel, budget (minor units), launch and end as fractions of the span
  ['Spring webinar series', 'ACQUISITION', 'WEBINAR', 1_500_000, 0.02, 0.3],
  ['Search ads: CRM buyers', 'ACQUISITION', 'ADS', 4_000_000, 0.1, 0.7],
  ['Trade fair', 'ACQUISITION', 'EVENT', 2_500_000, 0.35, 0.45],
  ['Lead nurture emails', 'NURTURE', 'EMAIL', 300_000, 0.05, null],
  ['Customer referral programme', 'REFERRAL', 'REFERRAL', 800_000, 0.3, null],
  ['SEO content hub', 'ACQUISITION', 'SEO', 1_200_000, 0.55, null],
  ['Customer retention check-ins', 'RETENTION', 'EMAIL', 400_000, 0.4, null],
  ['Win-back offer', 'RECONQUEST', 'EMAIL', 600_000, 0.6, null],
];

function planCampaigns(start: number, span: number, end: number): CampaignPlan[] {
  return CAMPAIGN_SHAPES.map(([name, kind, channel, budget, from, to], i) => {
    const launchedAt = start + from * span;
    const endsAt = to === null ? null : start + to * span;
    const costs: CampaignPlan['costs'] = [];
    const last = Math.min(endsAt ?? end, end - DAY);
    for (let t = launchedAt + 14 * DAY, n = 1; t < last; t += 30 * DAY, n++) {
      costs.push({ at: new Date(t), amount: Math.round(budget / 8 / 100) * 100 + i * 100, note: `Invoice ${n}` });
    }
    return {
      name,
      kind,
      channel,
      budget,
      createdAt: new Date(launchedAt - 3 * DAY),
      launchedAt: new Date(launchedAt),
      endsAt: endsAt === null ? null : new Date(endsAt),
      costs,
    };
  });
}

/** Captures grow over the period (more recent months capture more), at 10:00 UTC of their day. */
function captureTime(rng: Rng, start: number, span: number): number {
  const t = start + Math.sqrt(rng()) * span * 0.98;
  return Math.floor(t / DAY) * DAY + 10 * HOUR;
}

function closeOf(rng: Rng, createdAt: number, end: number, pWon: number, pLost: number, amount: number, kind: DealPlan['kind']): DealPlan {
  const closedAt = createdAt + delayDays(rng, 30, 2) * DAY;
  const r = rng();
  const outcome = closedAt >= end ? 'OPEN' : r < pWon ? 'WON' : r < pWon + pLost ? 'LOST' : 'OPEN';
  const lostReason = outcome === 'LOST' ? pick(rng, ['Price', 'Competitor', 'No budget', 'No decision', 'Timing', 'Product fit']) : null;
  return { kind, amount, createdAt: new Date(createdAt), outcome, closedAt: outcome === 'OPEN' ? null : new Date(closedAt), lostReason };
}

function planTicket(rng: Rng, openedAt: number, end: number): TicketPlan {
  const at = (t: number | null) => (t !== null && t < end ? new Date(t) : null);
  // Most first responses within hours; one in six a day or more late (an SLA breach).
  const firstResponse = openedAt + (chance(rng, 0.83) ? between(rng, 0.1, 3) : between(rng, 20, 60)) * HOUR;
  const pending = chance(rng, 0.25) ? firstResponse + between(rng, 1, 24) * HOUR : null;
  const resumed = pending !== null ? pending + between(rng, 12, 72) * HOUR : null;
  const resolved = (resumed ?? firstResponse) + delayDays(rng, 2, 0.1) * DAY;
  const closed = chance(rng, 0.6) ? resolved + 3 * DAY : null;
  const t: TicketPlan = {
    openedAt: new Date(openedAt),
    priority: pick(rng, ['LOW', 'NORMAL', 'NORMAL', 'NORMAL', 'HIGH', 'URGENT'] as const),
    channel: pick(rng, ['EMAIL', 'CHAT', 'PHONE', 'WEB'] as const),
    firstResponseAt: at(firstResponse),
    pendingAt: null,
    resumedAt: null,
    resolvedAt: null,
    closedAt: null,
    csat: null,
  };
  if (!t.firstResponseAt) return t;
  t.pendingAt = at(pending);
  t.resumedAt = t.pendingAt ? at(resumed) : null;
  if (t.pendingAt && !t.resumedAt) return t;
  t.resolvedAt = chance(rng, 0.92) ? at(resolved) : null;
  t.closedAt = t.resolvedAt ? at(closed) : null;
  if (t.resolvedAt && chance(rng, 0.6)) {
    const csatAt = t.resolvedAt.getTime() + between(rng, 1, 48) * HOUR;
    if (csatAt < end) t.csat = { at: new Date(csatAt), score: pick(rng, [5, 5, 5, 4, 4, 4, 3, 2, 1]) };
  }
  return t;
}

/** The customer part of a story: upsell, tickets, NPS, churn and win-back, after the first purchase at `wonAt`. */
function planCustomer(rng: Rng, c: ContactPlan, wonAt: number, end: number, amount: number): void {
  const npsAt = wonAt + between(rng, 20, 120) * DAY;
  if (npsAt < end && chance(rng, 0.65)) {
    const r = rng();
    c.nps = { at: new Date(npsAt), score: r < 0.45 ? intBetween(rng, 9, 10) : r < 0.75 ? intBetween(rng, 7, 8) : intBetween(rng, 0, 6) };
  }
  const detractor = c.nps !== null && c.nps.score <= 6;
  const churnAt = Math.max(wonAt, c.nps?.at.getTime() ?? 0) + between(rng, 45, 200) * DAY;
  if (churnAt < end && chance(rng, detractor ? 0.55 : 0.08)) c.churnAt = new Date(churnAt);
  const activeUntil = c.churnAt?.getTime() ?? end;
  const upsellAt = wonAt + between(rng, 40, 240) * DAY;
  if (upsellAt < activeUntil - 3 * DAY && chance(rng, 0.3)) {
    const upsell = closeOf(rng, upsellAt, activeUntil, 0.65, 0.3, Math.round((amount * between(rng, 0.2, 0.5)) / 100) * 100, 'UPSELL');
    c.upsell = upsell;
  }
  const tickets = pick(rng, [0, 0, 1, 1, 1, 2, 2, 3]);
  for (let i = 0; i < tickets; i++) {
    const openedAt = wonAt + between(rng, 2, 300) * DAY;
    if (openedAt < activeUntil - HOUR) c.tickets.push(planTicket(rng, openedAt, Math.min(end, activeUntil)));
  }
  c.tickets.sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime());
  const winBackAt = activeUntil + between(rng, 30, 120) * DAY;
  if (c.churnAt && winBackAt < end - 3 * DAY && chance(rng, 0.35)) {
    c.winBack = closeOf(rng, winBackAt, end, 0.6, 0.35, Math.round((amount * 0.8) / 100) * 100, 'NEW_BUSINESS');
  }
}

/** The funnel part: MQL, SQL or disqualified, a deal won or lost, campaigns along the way. */
function planFunnel(rng: Rng, c: ContactPlan, campaigns: CampaignPlan[], end: number): void {
  const captured = c.capturedAt.getTime();
  const open = campaigns
    .map((k, index) => ({ k, index }))
    .filter(
      ({ k }) =>
        ['ACQUISITION', 'NURTURE', 'REFERRAL'].includes(k.kind) &&
        k.launchedAt.getTime() <= captured &&
        (k.endsAt?.getTime() ?? end) > captured,
    );
  if (open.length && chance(rng, 0.5)) {
    const { index } = pick(rng, open);
    const addedAt = captured + HOUR;
    const respondedAt = addedAt + delayDays(rng, 4, 0.1) * DAY;
    const response =
      chance(rng, 0.55) && respondedAt < end
        ? { kind: pick(rng, ['OPENED', 'OPENED', 'CLICKED', 'RESPONDED'] as const), at: new Date(respondedAt) }
        : null;
    c.campaign = { index, addedAt: new Date(addedAt), response };
  }
  if (c.source === 'visit') return; // anonymous visitors stay visitors (or become leads by responding)
  const mqlAt = captured + delayDays(rng, 12, 0.2) * DAY;
  if (mqlAt >= end || !chance(rng, 0.55)) return;
  c.moves.push({ to: 'MQL', at: new Date(mqlAt), reason: null });
  const sqlAt = mqlAt + delayDays(rng, 14, 0.5) * DAY;
  if (sqlAt >= end || !chance(rng, 0.5)) {
    const dqAt = mqlAt + delayDays(rng, 20, 1) * DAY;
    if (dqAt < end && chance(rng, 0.2))
      c.moves.push({ to: 'DISQUALIFIED', at: new Date(dqAt), reason: pick(rng, ['No budget', 'Not a fit', 'Student'] as const) });
    return;
  }
  c.moves.push({ to: 'SQL', at: new Date(sqlAt), reason: null });
  const dealAt = sqlAt + between(rng, 0.5, 4) * DAY;
  if (dealAt >= end - HOUR) return;
  const amount = Math.round(Math.min(500_000, 2_000 + delayDays(rng, 12_000)) / 10) * 1_000; // minor units, 20 to 5,000 in tens
  c.deal = closeOf(rng, dealAt, end, 0.45, 0.4, amount, 'NEW_BUSINESS');
  if (c.deal.outcome === 'WON') planCustomer(rng, c, c.deal.closedAt!.getTime(), end, amount);
}

function planContact(seed: number, index: number, start: number, span: number, end: number, campaigns: CampaignPlan[]): ContactPlan {
  const rng = streamFor(seed, index);
  const company = COMPANIES[Math.floor(rng() * COMPANIES.length)];
  const firstName = pick(rng, FIRST_NAMES);
  const lastName = pick(rng, LAST_NAMES);
  const c: ContactPlan = {
    index,
    firstName,
    lastName,
    email: `${firstName}.${lastName}.${index}@${company.domain}`.toLowerCase(),
    jobTitle: pick(rng, JOB_TITLES),
    companyName: company.name,
    companyDomain: company.domain,
    industry: company.industry,
    companySize: company.size,
    country: pick(rng, COUNTRIES),
    source: pick(rng, SOURCES),
    capturedAt: new Date(captureTime(rng, start, span)),
    moves: [],
    campaign: null,
    deal: null,
    upsell: null,
    tickets: [],
    nps: null,
    churnAt: null,
    winBack: null,
  };
  planFunnel(rng, c, campaigns, end);
  if (c.churnAt)
    c.moves.push({ to: 'CHURNED', at: c.churnAt, reason: pick(rng, ['Did not renew', 'Moved to a competitor', 'Budget cut'] as const) });
  return c;
}

/** The whole story: the same options give the same plan, event for event. */
export function planSeed(options: PlanOptions): SeedPlan {
  if (!Number.isInteger(options.contacts) || options.contacts < 1) throw new RangeError('contacts must be a positive integer');
  if (!Number.isInteger(options.months) || options.months < 1) throw new RangeError('months must be a positive integer');
  const end = options.end.getTime();
  const startDate = new Date(options.end);
  startDate.setUTCMonth(startDate.getUTCMonth() - options.months);
  const start = startDate.getTime();
  const span = end - start;
  const campaigns = planCampaigns(start, span, end);
  const contacts = Array.from({ length: options.contacts }, (_, i) => planContact(options.seed, i, start, span, end, campaigns));
  return { start: startDate, end: new Date(end), campaigns, contacts };
}
