// The phases of the demo story, each through the real use cases of one service, in-process.
import type { EntityManager } from 'typeorm';
import { DomainError, type Actor, type RunningService } from '@crm/service-kit';
import { changeLifecycleStage, importContacts } from '@crm/leads';
import { createDeal, loseDeal, winDeal } from '@crm/pipeline';
import { addTicketComment, changeTicketStatus, openTicket, recordSurveyResponse } from '@crm/tickets';
import {
  addCampaignMembers,
  changeCampaignStatus,
  createCampaign,
  MAX_CONTACT_IDS,
  recordCampaignCost,
  recordCampaignResponse,
} from '@crm/campaigns';
import type { ContactPlan, DealPlan, SeedPlan, TicketPlan } from './plan';

export interface SeedScope {
  services: Record<'leads' | 'pipeline' | 'tickets' | 'campaigns' | 'analytics', RunningService>;
  tenantId: string;
  /** Contact ids by plan index (after the captures). */
  contactIds: string[];
  campaignIds: string[];
  /** Called with the number of units of work just done (the progress bar). */
  tick(n?: number): void;
}

const SALES = ['sales-ana', 'sales-ben', 'sales-chen', 'sales-dora'];
const AGENTS = ['agent-eli', 'agent-fay', 'agent-gus'];
const who = (s: SeedScope, list: string[], i: number): Actor => ({ tenantId: s.tenantId, userId: list[i % list.length] });
const seeder = (s: SeedScope): Actor => ({ tenantId: s.tenantId, userId: 'demo-seed' });

/** Run `job` over `items`, `concurrency` at a time. */
export async function inParallel<T>(items: readonly T[], concurrency: number, job: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await job(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

const csvCell = (v: string | number) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
const CSV_HEADER = 'email,firstName,lastName,jobTitle,companyName,companyDomain,industry,companySize,country,source';

/** Captures: one importContacts per capture day (the set-based path), at that day's time. */
export async function captureContacts(s: SeedScope, plan: SeedPlan): Promise<void> {
  const byTime = new Map<number, ContactPlan[]>();
  for (const c of plan.contacts) byTime.set(c.capturedAt.getTime(), [...(byTime.get(c.capturedAt.getTime()) ?? []), c]);
  await inParallel([...byTime.entries()], 3, async ([time, contacts]) => {
    const rows = contacts.map((c) =>
      [c.email, c.firstName, c.lastName, c.jobTitle, c.companyName, c.companyDomain, c.industry, c.companySize, c.country, c.source]
        .map(csvCell)
        .join(','),
    );
    const result = await importContacts(s.services.leads.db, seeder(s), [CSV_HEADER, ...rows].join('\n'), {
      now: new Date(time),
      chunkSize: 2_000,
    });
    if (result.failed) throw new Error(`seed: ${result.failed} captures failed: ${result.errors[0]?.message}`);
    s.tick(contacts.length);
  });
  const found: Array<{ id: string; email: string }> = await s.services.leads.db.query(
    'SELECT id, email FROM contacts WHERE tenant_id = $1',
    [s.tenantId],
  );
  const idOf = new Map(found.map((r) => [r.email, r.id]));
  s.contactIds = plan.contacts.map((c) => idOf.get(c.email)!);
}

/** A planned move, unless the contact is already past it (a scoring rule or a reaction moved it): CONFLICT is skipped. */
async function moveStage(m: EntityManager, s: SeedScope, c: ContactPlan, to: string, at: Date, reason: string | null): Promise<void> {
  try {
    await changeLifecycleStage(m, who(s, SALES, c.index), { contactId: s.contactIds[c.index], stage: to, reason }, 'API', at);
  } catch (err) {
    // The stage machine refuses before it writes anything, so the transaction goes on.
    if (!(err instanceof DomainError && err.code === 'CONFLICT')) throw err;
  }
}

/** MQL, SQL and disqualifications (the churn moves come later, once the deals made customers); one transaction per contact. */
export async function qualifyContacts(s: SeedScope, plan: SeedPlan): Promise<void> {
  await inParallel(plan.contacts, 8, async (c) => {
    const moves = c.moves.filter((move) => move.to !== 'CHURNED');
    if (moves.length)
      await s.services.leads.db.transaction(async (m) => {
        for (const move of moves) await moveStage(m, s, c, move.to, move.at, move.reason);
      });
    s.tick();
  });
}

/** Campaigns: created, launched, with their cost entries. */
export async function launchCampaigns(s: SeedScope, plan: SeedPlan): Promise<void> {
  const db = s.services.campaigns.db;
  for (const k of plan.campaigns) {
    const created = await db.transaction((m) =>
      createCampaign(
        m,
        seeder(s),
        {
          name: k.name,
          kind: k.kind,
          channel: k.channel,
          budget: k.budget,
          currency: 'USD',
          startsAt: k.launchedAt,
          endsAt: k.endsAt,
        },
        k.createdAt,
      ),
    );
    await db.transaction((m) => changeCampaignStatus(m, seeder(s), created.id, 'ACTIVE', k.launchedAt));
    for (const cost of k.costs)
      await db.transaction((m) =>
        recordCampaignCost(m, seeder(s), { campaignId: created.id, amount: cost.amount, note: cost.note }, cost.at),
      );
    s.campaignIds.push(created.id);
  }
}

/** Members by ids (grouped per campaign and week, at the group's last capture), then their responses. */
export async function enrolAndRespond(s: SeedScope, plan: SeedPlan): Promise<void> {
  const db = s.services.campaigns.db;
  const WEEK = 7 * 24 * 60 * 60 * 1000;
  const groups = new Map<string, ContactPlan[]>();
  for (const c of plan.contacts) {
    if (!c.campaign) continue;
    const key = `${c.campaign.index}:${Math.floor(c.campaign.addedAt.getTime() / WEEK)}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  await inParallel([...groups.values()], 2, async (members) => {
    for (let i = 0; i < members.length; i += MAX_CONTACT_IDS) {
      const slice = members.slice(i, i + MAX_CONTACT_IDS);
      const at = new Date(Math.max(...slice.map((c) => c.campaign!.addedAt.getTime())));
      await db.transaction((m) =>
        addCampaignMembers(
          m,
          seeder(s),
          { campaignId: s.campaignIds[slice[0].campaign!.index], contactIds: slice.map((c) => s.contactIds[c.index]) },
          at,
        ),
      );
    }
  });
  const responders = plan.contacts.filter((c) => c.campaign?.response);
  await inParallel(responders, 8, async (c) => {
    const { index, response, addedAt } = c.campaign!;
    // A response comes after the weekly batch that added the contact.
    const at = new Date(Math.max(response!.at.getTime(), addedAt.getTime() + WEEK));
    if (at.getTime() >= plan.end.getTime()) return;
    await db.transaction((m) =>
      recordCampaignResponse(
        m,
        seeder(s),
        { campaignId: s.campaignIds[index], contactId: s.contactIds[c.index], type: response!.kind },
        at,
      ),
    );
  });
  s.tick(plan.contacts.length);
}

/** A deal's story (created, then won or lost) in one transaction. */
async function playDeal(s: SeedScope, c: ContactPlan, d: DealPlan, title: string): Promise<void> {
  const actor = who(s, SALES, c.index);
  await s.services.pipeline.db.transaction(async (m) => {
    const deal = await createDeal(m, actor, { contactId: s.contactIds[c.index], title, amount: d.amount, kind: d.kind }, d.createdAt);
    if (d.outcome === 'WON') await winDeal(m, actor, { dealId: deal.id }, d.closedAt!);
    if (d.outcome === 'LOST') await loseDeal(m, actor, { dealId: deal.id, reason: d.lostReason! }, d.closedAt!);
  });
}

/** First deals: created after SQL, won or lost (leads moves the contacts by their events). */
export async function playFirstDeals(s: SeedScope, plan: SeedPlan): Promise<void> {
  await inParallel(plan.contacts, 8, async (c) => {
    if (c.deal) await playDeal(s, c, c.deal, `${c.companyName}: new business`);
    s.tick();
  });
}

/** A ticket's story (opened, answered, pending and back, resolved, closed, its CSAT) in one transaction. */
async function playTicket(s: SeedScope, c: ContactPlan, t: TicketPlan, n: number): Promise<void> {
  const agent = who(s, AGENTS, c.index + n);
  const subject = ['Cannot log in', 'Invoice question', 'Export is slow', 'How do I add a user?', 'Integration error'][(c.index + n) % 5];
  await s.services.tickets.db.transaction(async (m) => {
    const ticket = await openTicket(
      m,
      seeder(s),
      { contactId: s.contactIds[c.index], subject, priority: t.priority, channel: t.channel },
      t.openedAt,
    );
    if (!t.firstResponseAt) return;
    const status = (status: 'OPEN' | 'PENDING' | 'RESOLVED' | 'CLOSED', at: Date) =>
      changeTicketStatus(m, agent, { ticketId: ticket.id, status }, at);
    await addTicketComment(m, agent, { ticketId: ticket.id, body: 'Thanks for reaching out, we are on it.' }, t.firstResponseAt);
    if (t.pendingAt) await status('PENDING', t.pendingAt);
    if (t.resumedAt) await status('OPEN', t.resumedAt);
    if (t.resolvedAt) await status('RESOLVED', t.resolvedAt);
    if (t.closedAt) await status('CLOSED', t.closedAt);
    if (t.csat) {
      const { at, score } = t.csat;
      await recordSurveyResponse(m, seeder(s), { contactId: s.contactIds[c.index], ticketId: ticket.id, kind: 'CSAT', score }, at);
    }
  });
}

/** Customers: upsells, tickets with their SLA story and CSAT, NPS (leads makes promoters and flags churn risk). */
export async function serveCustomers(s: SeedScope, plan: SeedPlan): Promise<void> {
  await inParallel(plan.contacts, 8, async (c) => {
    if (c.upsell) await playDeal(s, c, c.upsell, `${c.companyName}: upsell`);
    for (const [n, t] of c.tickets.entries()) await playTicket(s, c, t, n);
    if (c.nps) {
      const { at, score } = c.nps;
      await s.services.tickets.db.transaction((m) =>
        recordSurveyResponse(m, seeder(s), { contactId: s.contactIds[c.index], kind: 'NPS', score }, at),
      );
    }
    s.tick();
  });
}

/** Churn (after the NPS answers landed), then the win-back deals. */
export async function churnAndWinBack(s: SeedScope, plan: SeedPlan): Promise<void> {
  await inParallel(plan.contacts, 8, async (c) => {
    const churn = c.moves.find((m) => m.to === 'CHURNED');
    if (churn) await s.services.leads.db.transaction((m) => moveStage(m, s, c, 'CHURNED', churn.at, churn.reason));
    if (c.winBack) await playDeal(s, c, c.winBack, `${c.companyName}: win-back`);
    s.tick();
  });
}

/** Campaigns whose window closed before the end are completed. */
export async function completeCampaigns(s: SeedScope, plan: SeedPlan): Promise<void> {
  for (const [i, k] of plan.campaigns.entries()) {
    if (k.endsAt && k.endsAt < plan.end) {
      await s.services.campaigns.db.transaction((m) => changeCampaignStatus(m, seeder(s), s.campaignIds[i], 'COMPLETED', k.endsAt!));
    }
  }
}
