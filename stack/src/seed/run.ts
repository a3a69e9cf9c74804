// Plays a SeedPlan into a running stack (in-process transport): phase by phase, each phase
// waiting for the events of the last one to be delivered (the outboxes drained), so every
// reaction (a deal made a customer, an NPS answer a promoter) is in place before the next.
import type { RunningService } from '@crm/service-kit';
import { loadPipelineSettings, updatePipelineSettings } from '@crm/pipeline';
import type { RunningStack } from '../stack';
import { COUNT_UNSENT_SQL } from '@crm/events';
import type { SeedPlan } from './plan';
import {
  captureContacts,
  churnAndWinBack,
  completeCampaigns,
  enrolAndRespond,
  launchCampaigns,
  playFirstDeals,
  qualifyContacts,
  serveCustomers,
  type SeedScope,
} from './steps';

export interface SeedSummary {
  tenantId: string;
  contacts: number;
  stages: Record<string, number>;
  deals: Record<string, number>;
  tickets: Record<string, number>;
  slaBreaches: number;
  surveys: Record<string, number>;
  campaigns: number;
  campaignMembers: number;
  events: number;
  deadLetters: number;
  seconds: number;
  /** Seconds per phase: its use-case calls, then the delivery of its events (null: delivered during the next phase). */
  phases: Array<{ name: string; calls: number; events: number | null }>;
}

export interface SeedProgress {
  /** The total units of work (set once), then each unit done. */
  start(total: number): void;
  advance(n: number, phase: string): void;
  stop(): void;
}

const SERVICES = ['leads', 'pipeline', 'tickets', 'campaigns', 'analytics'] as const;

async function unsent(svc: RunningService): Promise<number> {
  const [{ n }] = await svc.db.query(COUNT_UNSENT_SQL);
  return n;
}

/** Until every outbox is sent (twice in a row: a delivery may emit more), within `timeoutMs`. */
export async function drainOutboxes(stack: RunningStack, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 2) {
    const counts = await Promise.all(SERVICES.map((s) => unsent(stack.services[s])));
    quiet = counts.every((n) => n === 0) ? quiet + 1 : 0;
    if (Date.now() > deadline) throw new Error(`seed: outboxes not drained after ${timeoutMs} ms (${counts.join(', ')} unsent)`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function countBy(svc: RunningService, sql: string, tenantId: string): Promise<Record<string, number>> {
  const rows: Array<{ k: string; n: number }> = await svc.db.query(sql, [tenantId]);
  return Object.fromEntries(rows.map((r) => [r.k, r.n]));
}

async function summarise(stack: RunningStack, tenantId: string, started: number, phases: SeedSummary['phases']): Promise<SeedSummary> {
  const s = stack.services;
  const one = async (svc: RunningService, sql: string, params: unknown[] = [tenantId]) => Number((await svc.db.query(sql, params))[0].n);
  const stages = await countBy(
    s.leads,
    'SELECT lifecycle_stage AS k, count(*)::int AS n FROM contacts WHERE tenant_id = $1 GROUP BY 1 ORDER BY 1',
    tenantId,
  );
  const totals = await Promise.all(
    SERVICES.map((n) => one(s[n], "SELECT count(*)::int AS n FROM crm_outbox WHERE payload->>'tenantId' = $1")),
  );
  const dead = await Promise.all(
    SERVICES.map((n) => one(s[n], 'SELECT count(*)::int AS n FROM crm_dead_letters WHERE failed_at >= $1', [new Date(started)])),
  );
  return {
    tenantId,
    contacts: Object.values(stages).reduce((a, b) => a + b, 0),
    stages,
    deals: await countBy(
      s.pipeline,
      "SELECT status || CASE WHEN kind = 'NEW_BUSINESS' THEN '' ELSE ' ' || kind END AS k, count(*)::int AS n FROM deals WHERE tenant_id = $1 GROUP BY 1 ORDER BY 1",
      tenantId,
    ),
    tickets: await countBy(
      s.tickets,
      'SELECT status AS k, count(*)::int AS n FROM tickets WHERE tenant_id = $1 GROUP BY 1 ORDER BY 1',
      tenantId,
    ),
    slaBreaches: await one(
      s.tickets,
      'SELECT count(*)::int AS n FROM tickets WHERE tenant_id = $1 AND (first_response_breached_at IS NOT NULL OR resolution_breached_at IS NOT NULL)',
    ),
    surveys: await countBy(
      s.tickets,
      'SELECT kind AS k, count(*)::int AS n FROM survey_responses WHERE tenant_id = $1 GROUP BY 1 ORDER BY 1',
      tenantId,
    ),
    campaigns: await one(s.campaigns, 'SELECT count(*)::int AS n FROM campaigns WHERE tenant_id = $1'),
    campaignMembers: await one(s.campaigns, 'SELECT count(*)::int AS n FROM campaign_members WHERE tenant_id = $1'),
    events: totals.reduce((a, b) => a + b, 0),
    deadLetters: dead.reduce((a, b) => a + b, 0),
    seconds: (Date.now() - started) / 1000,
    phases,
  };
}

/** Seeds `tenantId` with `plan` through the stack's use cases; returns what it holds afterwards. */
export async function runSeed(stack: RunningStack, tenantId: string, plan: SeedPlan, progress?: SeedProgress): Promise<SeedSummary> {
  const started = Date.now();
  const services = stack.services;
  for (const name of SERVICES) await services[name].ensureTenant(tenantId);
  const n = plan.contacts.length;
  progress?.start(n * 6);
  let phase = 'campaigns';
  const scope: SeedScope = { services, tenantId, contactIds: [], campaignIds: [], tick: (k = 1) => progress?.advance(k, phase) };
  const actor = { tenantId, userId: 'demo-seed' };
  const timings: SeedSummary['phases'] = [];
  // The seed opens its deals itself (with amounts); the automatic SQL deal is off meanwhile, then put back.
  const auto = (await services.pipeline.db.transaction((m) => loadPipelineSettings(m, tenantId))).autoCreateDealOnSql;
  await services.pipeline.db.transaction((m) => updatePipelineSettings(m, actor, { autoCreateDealOnSql: false }));
  try {
    // `drain`: wait for the phase's events (and their reactions) before the next phase, when
    // the next one needs them. Qualification and campaign members need only the replicas the
    // captures filled, so their events are delivered while the next phase runs.
    const phases: Array<[string, (s: SeedScope, p: SeedPlan) => Promise<void>, { drain: boolean }]> = [
      ['campaigns', launchCampaigns, { drain: false }],
      ['captures', captureContacts, { drain: true }],
      ['qualification', qualifyContacts, { drain: false }],
      ['campaign members', enrolAndRespond, { drain: false }],
      ['deals', playFirstDeals, { drain: true }], // customers need the won deals' reactions
      ['customers', serveCustomers, { drain: true }], // churn needs the NPS answers' reactions
      ['churn and win-back', churnAndWinBack, { drain: true }],
      ['campaigns completed', completeCampaigns, { drain: true }],
    ];
    for (const [name, step, { drain }] of phases) {
      phase = name;
      const t0 = Date.now();
      await step(scope, plan);
      const t1 = Date.now();
      if (drain) {
        phase = `${name} (events)`;
        progress?.advance(0, phase);
        await drainOutboxes(stack);
      }
      timings.push({ name, calls: (t1 - t0) / 1000, events: drain ? (Date.now() - t1) / 1000 : null });
    }
  } finally {
    await services.pipeline.db.transaction((m) => updatePipelineSettings(m, actor, { autoCreateDealOnSql: auto }));
    progress?.stop();
  }
  return summarise(stack, tenantId, started, timings);
}

/** The summary as the CLI prints it. */
export function formatSummary(s: SeedSummary): string {
  const list = (r: Record<string, number>) =>
    Object.entries(r)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  return [
    `Seeded tenant "${s.tenantId}" in ${s.seconds.toFixed(1)} s`,
    `  contacts   ${s.contacts}: ${list(s.stages)}`,
    `  deals      ${list(s.deals)}`,
    `  tickets    ${list(s.tickets)}; ${s.slaBreaches} with an SLA breach`,
    `  surveys    ${list(s.surveys)}`,
    `  campaigns  ${s.campaigns} (${s.campaignMembers} members)`,
    `  events     ${s.events} delivered${s.deadLetters ? `, ${s.deadLetters} dead letters` : ''}`,
    `  phases     ${s.phases.map((p) => `${p.name} ${p.calls.toFixed(1)}${p.events === null ? '' : ` + ${p.events.toFixed(1)}`} s`).join(', ')}`,
  ].join('\n');
}
