import type { EntityManager } from 'typeorm';
import { provisionTenantIn, tenantRepository } from '@crm/service-kit';
import { Pipeline, PipelineSettings, PipelineStage } from '../entities';
import { DEFAULT_LOST_REASONS, DEFAULT_PIPELINE_NAME, DEFAULT_PIPELINE_STAGES } from '../domain';

/** A tenant's default pipeline with the six default stages. */
export async function provisionDefaultPipeline(m: EntityManager, tenantId: string): Promise<Pipeline> {
  const pipelines = tenantRepository(m, Pipeline, tenantId);
  const stages = tenantRepository(m, PipelineStage, tenantId);
  const pipeline = await pipelines.save(pipelines.create({ name: DEFAULT_PIPELINE_NAME, isDefault: true }));
  await m.save(DEFAULT_PIPELINE_STAGES.map((s) => stages.create({ ...s, pipelineId: pipeline.id, archivedAt: null })));
  return pipeline;
}

/** A new tenant's defaults (runs once, inside tenant provisioning: docs/security.md). */
export async function provisionTenant(m: EntityManager, tenantId: string): Promise<void> {
  await provisionDefaultPipeline(m, tenantId);
  await m.query('INSERT INTO pipeline_settings (tenant_id, lost_reasons) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    tenantId,
    [...DEFAULT_LOST_REASONS],
  ]);
}

/**
 * The same provisioning for work that does not come through a request (event handlers): in
 * the caller's transaction, once per tenant. A concurrent first request blocks on the
 * crm_tenants primary key until this commits, then finds the defaults already there.
 */
export function ensureTenantIn(m: EntityManager, tenantId: string): Promise<void> {
  return provisionTenantIn(m, tenantId, provisionTenant);
}

export interface Settings {
  autoCreateDealOnSql: boolean;
  lostReasons: string[];
}

/** A tenant without a settings row has the defaults. */
export async function loadSettings(m: EntityManager, tenantId: string): Promise<Settings> {
  const row = await tenantRepository(m, PipelineSettings, tenantId).findOne({});
  return row
    ? { autoCreateDealOnSql: row.autoCreateDealOnSql, lostReasons: row.lostReasons }
    : { autoCreateDealOnSql: true, lostReasons: [...DEFAULT_LOST_REASONS] };
}
