import DataLoader from 'dataloader';
import { In, type EntityManager } from 'typeorm';
import { Company, StageChange } from './entities';

/**
 * Per-request batching: a list of contacts asks for its companies and stage histories in one
 * statement each, not one per contact.
 */
export function createLoaders(m: EntityManager, tenantId: string) {
  return {
    company: new DataLoader<string, Company | null>(async (ids) => {
      const rows = await m.find(Company, { where: { tenantId, id: In([...ids]) } });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    stageHistory: new DataLoader<string, StageChange[]>(async (contactIds) => {
      const rows = await m.find(StageChange, { where: { tenantId, contactId: In([...contactIds]) }, order: { seq: 'ASC' } });
      return contactIds.map((id) => rows.filter((r) => r.contactId === id));
    }),
  };
}
export type LeadsLoaders = ReturnType<typeof createLoaders>;
