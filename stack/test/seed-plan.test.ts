// The demo story (stack/src/seed/plan.ts) is pure: the same options give the same plan, every
// time lies inside the period, and every stage change it causes is legal per leads' rules.
import { checkTransition, onDealCreated, onDealLost, onDealWon, onNpsResponse, type LifecycleStage } from '@crm/leads';
import { planSeed, type ContactPlan, type DealPlan, type SeedPlan } from '../src/seed/plan';

const END = new Date('2026-06-01T00:00:00Z');
const plan = planSeed({ contacts: 3000, months: 18, seed: 7, end: END });

function datesOf(p: SeedPlan): Date[] {
  const out: Date[] = [];
  const walk = (v: unknown) => {
    if (v instanceof Date) out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(p.campaigns);
  walk(p.contacts);
  return out;
}

/** The contact's stages as leads would move it: planned moves, and the reactions to deals and NPS. */
function stagePath(c: ContactPlan): Array<{ from: LifecycleStage; to: LifecycleStage; reason: string | null; at: Date }> {
  const steps: Array<{ at: Date; apply: (s: LifecycleStage) => Array<{ to: LifecycleStage; reason: string | null }> }> = [];
  for (const m of c.moves) steps.push({ at: m.at, apply: () => [{ to: m.to, reason: m.reason }] });
  const deal = (d: DealPlan) => {
    steps.push({ at: d.createdAt, apply: (s) => expand(onDealCreated(s)) });
    if (d.outcome === 'WON') steps.push({ at: d.closedAt!, apply: (s) => expand(onDealWon(s)) });
    if (d.outcome === 'LOST') steps.push({ at: d.closedAt!, apply: (s) => expand(onDealLost(s, 0, 'MQL')) });
  };
  const expand = (m: { to: LifecycleStage; reason: string; via?: LifecycleStage } | null) =>
    m ? [...(m.via ? [{ to: m.via, reason: m.reason }] : []), { to: m.to, reason: m.reason }] : [];
  for (const d of [c.deal, c.upsell, c.winBack]) if (d) deal(d);
  if (c.nps) steps.push({ at: c.nps.at, apply: (s) => expand(onNpsResponse(s, c.nps!.score).move) });
  steps.sort((a, b) => a.at.getTime() - b.at.getTime());
  let stage: LifecycleStage = c.source === 'visit' ? 'VISITOR' : 'LEAD';
  const path: Array<{ from: LifecycleStage; to: LifecycleStage; reason: string | null; at: Date }> = [];
  for (const step of steps) {
    for (const { to, reason } of step.apply(stage)) {
      path.push({ from: stage, to, reason, at: step.at });
      stage = to;
    }
  }
  return path;
}

describe('planSeed', () => {
  test('is deterministic: same options, same plan; another seed, another plan', () => {
    expect(planSeed({ contacts: 3000, months: 18, seed: 7, end: END })).toEqual(plan);
    const other = planSeed({ contacts: 3000, months: 18, seed: 8, end: END });
    expect(other.contacts.map((c) => c.capturedAt.getTime())).not.toEqual(plan.contacts.map((c) => c.capturedAt.getTime()));
  });

  test('a contact keeps its story when the tenant grows', () => {
    const small = planSeed({ contacts: 100, months: 18, seed: 7, end: END });
    expect(small.contacts).toEqual(plan.contacts.slice(0, 100));
  });

  test('every time lies inside the 18 months before the end', () => {
    expect(plan.start.toISOString()).toBe('2024-12-01T00:00:00.000Z');
    const dates = datesOf(plan);
    expect(dates.length).toBeGreaterThan(10_000);
    const outside = dates.filter((d) => d < plan.start || d >= END);
    expect(outside).toEqual([]);
  });

  test('captures spread over the whole period', () => {
    const months = new Set(plan.contacts.map((c) => c.capturedAt.toISOString().slice(0, 7)));
    expect(months.size).toBe(18);
  });

  test('every stage change is legal and in time order, each story step after the capture', () => {
    let changes = 0;
    for (const c of plan.contacts) {
      let last = c.capturedAt.getTime();
      for (const step of stagePath(c)) {
        expect({ contact: c.index, ...step, verdict: checkTransition(step.from, step.to, step.reason).ok }).toEqual({
          contact: c.index,
          ...step,
          verdict: true,
        });
        expect(step.at.getTime()).toBeGreaterThanOrEqual(last);
        last = step.at.getTime();
        changes++;
      }
    }
    expect(changes).toBeGreaterThan(3000);
  });

  test('tells the whole story: every stage reached, deals won and lost with reasons, tickets, surveys, churn, win-back', () => {
    const reached = new Set(plan.contacts.flatMap((c) => stagePath(c).map((s) => s.to)));
    expect([...reached].sort()).toEqual(['CHURNED', 'CUSTOMER', 'DISQUALIFIED', 'MQL', 'OPPORTUNITY', 'PROMOTER', 'SQL'].sort());
    expect(new Set(plan.contacts.map((c) => c.source === 'visit')).size).toBe(2); // some start as VISITOR, the rest as LEAD
    const deals = plan.contacts.flatMap((c) => [c.deal, c.upsell, c.winBack].filter((d): d is DealPlan => d !== null));
    expect(deals.filter((d) => d.outcome === 'WON').length).toBeGreaterThan(50);
    expect(deals.filter((d) => d.outcome === 'LOST').every((d) => d.lostReason)).toBe(true);
    expect(deals.filter((d) => d.kind === 'UPSELL').length).toBeGreaterThan(5);
    const tickets = plan.contacts.flatMap((c) => c.tickets);
    expect(tickets.filter((t) => t.resolvedAt).length).toBeGreaterThan(10);
    expect(
      tickets.filter((t) => t.firstResponseAt && t.firstResponseAt.getTime() - t.openedAt.getTime() > 20 * 3600_000).length,
    ).toBeGreaterThan(0);
    expect(tickets.filter((t) => t.csat).length).toBeGreaterThan(0);
    expect(plan.contacts.filter((c) => c.nps && c.nps.score <= 6).length).toBeGreaterThan(0);
    expect(plan.contacts.filter((c) => c.winBack).length).toBeGreaterThan(0);
    expect(new Set(plan.campaigns.map((k) => k.kind)).size).toBeGreaterThanOrEqual(4);
  });

  test('refuses a non-positive size', () => {
    expect(() => planSeed({ contacts: 0, months: 18, seed: 1, end: END })).toThrow(RangeError);
    expect(() => planSeed({ contacts: 10, months: 0, seed: 1, end: END })).toThrow(RangeError);
  });
});
