import type { EntityManager } from 'typeorm';
import { applyDealEvent, DealEvent, DealFact } from '../domain/deals';

interface FactRow {
  tenant_id: string;
  deal_id: string;
  contact_id: string;
  pipeline_id: string | null;
  owner_id: string | null;
  kind: string | null;
  stage_id: string | null;
  stage_name: string | null;
  probability: number;
  amount: string;
  currency: string;
  status: DealFact['status'];
  created_at: Date;
  closed_at: Date | null;
  lost_reason: string | null;
  last_at: Date;
}

const FACT_COLUMNS = `tenant_id varchar, deal_id uuid, contact_id uuid, pipeline_id uuid, owner_id varchar, kind varchar, stage_id uuid,
  stage_name varchar, probability int, amount bigint, currency char(3), status varchar, created_at timestamptz, closed_at timestamptz, lost_reason varchar,
  last_at timestamptz`;

function toFact(r: FactRow): DealFact {
  return {
    dealId: r.deal_id,
    contactId: r.contact_id,
    pipelineId: r.pipeline_id,
    ownerId: r.owner_id,
    kind: r.kind,
    stageId: r.stage_id,
    stageName: r.stage_name,
    probability: r.probability,
    amount: Number(r.amount),
    currency: r.currency,
    status: r.status,
    createdAt: r.created_at.toISOString(),
    closedAt: r.closed_at?.toISOString() ?? null,
    lostReason: r.lost_reason,
  };
}

/** When the state an event leaves the deal in began: the close time for won/lost, else the event's time. */
function stateTime(event: DealEvent, fact: DealFact): string {
  return (event.type === 'deal.won' || event.type === 'deal.lost') && fact.closedAt ? fact.closedAt : event.occurredAt;
}

/**
 * deal.*: the current facts of the deals touched are read once, each deal's events folded in
 * arrival order (its own order: one key, one partition), then one multi-row upsert of the facts
 * and one multi-row insert of the states after each event.
 */
export async function recordDealEvents(m: EntityManager, events: DealEvent[]): Promise<void> {
  const keys = [...new Set(events.map((e) => `${e.tenantId}|${e.aggregateId}`))];
  const existing: FactRow[] = await m.query(
    `SELECT d.* FROM deal_facts d JOIN jsonb_to_recordset($1::jsonb) AS k(tenant_id varchar, deal_id uuid)
       ON d.tenant_id = k.tenant_id AND d.deal_id = k.deal_id`,
    [JSON.stringify(keys.map((k) => ({ tenant_id: k.split('|')[0], deal_id: k.split('|')[1] })))],
  );
  const facts = new Map<string, DealFact>(existing.map((r) => [`${r.tenant_id}|${r.deal_id}`, toFact(r)]));
  const lastAt = new Map<string, string>();
  const states: Array<Record<string, unknown>> = [];
  for (const e of events) {
    const key = `${e.tenantId}|${e.aggregateId}`;
    const fact = applyDealEvent(facts.get(key) ?? null, e);
    facts.set(key, fact);
    lastAt.set(key, stateTime(e, fact));
    states.push({
      tenant_id: e.tenantId,
      deal_id: fact.dealId,
      at: lastAt.get(key),
      status: fact.status,
      stage_id: fact.stageId,
      stage_name: fact.stageName,
      probability: fact.probability,
      amount: fact.amount,
      currency: fact.currency,
      pipeline_id: fact.pipelineId,
      owner_id: fact.ownerId,
    });
  }
  const rows = keys.map((key) => {
    const f = facts.get(key)!;
    return {
      tenant_id: key.split('|')[0],
      deal_id: f.dealId,
      contact_id: f.contactId,
      pipeline_id: f.pipelineId,
      owner_id: f.ownerId,
      kind: f.kind,
      stage_id: f.stageId,
      stage_name: f.stageName,
      probability: f.probability,
      amount: f.amount,
      currency: f.currency,
      status: f.status,
      created_at: f.createdAt,
      closed_at: f.closedAt,
      lost_reason: f.lostReason,
      last_at: lastAt.get(key),
    };
  });
  await m.query(
    `INSERT INTO deal_facts SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(${FACT_COLUMNS})
     ON CONFLICT (tenant_id, deal_id) DO UPDATE SET contact_id = EXCLUDED.contact_id, pipeline_id = EXCLUDED.pipeline_id,
       owner_id = EXCLUDED.owner_id, kind = EXCLUDED.kind, stage_id = EXCLUDED.stage_id, stage_name = EXCLUDED.stage_name,
       probability = EXCLUDED.probability, amount = EXCLUDED.amount, currency = EXCLUDED.currency, status = EXCLUDED.status,
       created_at = EXCLUDED.created_at, closed_at = EXCLUDED.closed_at, lost_reason = EXCLUDED.lost_reason, last_at = EXCLUDED.last_at`,
    [JSON.stringify(rows)],
  );
  await m.query(
    `INSERT INTO deal_states (tenant_id, deal_id, at, status, stage_id, stage_name, probability, amount, currency, pipeline_id, owner_id)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(tenant_id varchar, deal_id uuid, at timestamptz, status varchar, stage_id uuid,
       stage_name varchar, probability int, amount bigint, currency char(3), pipeline_id uuid, owner_id varchar)`,
    [JSON.stringify(states)],
  );
}
