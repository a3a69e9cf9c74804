import type { EntityManager } from 'typeorm';
import { badInput } from '@crm/service-kit';

/** The report's currency: the one asked for, else the tenant's most used deal currency (USD without deals). */
export async function reportCurrency(m: EntityManager, tenantId: string, asked: string | null | undefined): Promise<string> {
  if (asked !== undefined && asked !== null) {
    const code = asked.trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(code)) throw badInput('currency', 'currency must be a 3-letter ISO 4217 code, e.g. USD');
    return code;
  }
  const [row] = await m.query(
    'SELECT currency FROM deal_facts WHERE tenant_id = $1 GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1',
    [tenantId],
  );
  return row?.currency ?? 'USD';
}
