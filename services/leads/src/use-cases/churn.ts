import type { DataSource } from 'typeorm';
import type { Logger } from '@crm/service-kit';
import { shouldChurn } from '../domain/lifecycle';
import { findContactForUpdate, moveContact } from './lifecycle';

/**
 * The scheduled rule: customers with no purchase and no engagement for the tenant's
 * churnInactivityDays move to CHURNED (source RULE). Each contact in its own transaction,
 * re-checked under its row lock so a purchase that just arrived wins.
 */
export async function runChurnCheck(db: DataSource, now = new Date(), logger?: Logger): Promise<number> {
  const candidates: Array<{ id: string; tenant_id: string; days: number }> = await db.query(
    `SELECT c.id, c.tenant_id, coalesce(s.churn_inactivity_days, 180) AS days
       FROM contacts c LEFT JOIN lead_settings s ON s.tenant_id = c.tenant_id
      WHERE c.lifecycle_stage IN ('CUSTOMER', 'PROMOTER')
        AND greatest(c.last_purchase_at, c.last_engagement_at, coalesce(c.customer_since, c.created_at))
            < $1::timestamptz - make_interval(days => coalesce(s.churn_inactivity_days, 180))`,
    [now],
  );
  let churned = 0;
  for (const c of candidates) {
    await db.transaction(async (m) => {
      const contact = await findContactForUpdate(m, c.tenant_id, c.id);
      if (!contact) return;
      const due = shouldChurn({
        stage: contact.lifecycleStage as 'CUSTOMER',
        lastPurchaseAt: contact.lastPurchaseAt,
        lastEngagementAt: contact.lastEngagementAt,
        customerSince: contact.customerSince ?? contact.createdAt,
        now,
        inactivityDays: c.days,
      });
      if (!due) return;
      await moveContact(
        m,
        { tenantId: c.tenant_id, userId: null },
        contact,
        'CHURNED',
        `No purchase or engagement for ${c.days} days`,
        'RULE',
      );
      churned++;
    });
  }
  if (churned) logger?.info({ churned }, 'churn rule moved customers to CHURNED');
  return churned;
}
