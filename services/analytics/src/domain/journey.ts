import type { AttributedTouch, AttributionModel } from './attribution';
import { influencedRevenue } from './attribution';
import { ratio, returnOnInvestment } from './formulas';

const DAY_MS = 86_400_000;

export interface Stay {
  stage: string;
  enteredAt: Date;
  leftAt: Date | null;
}

/** A contact's journey from its stays (oldest first); the current stay counts its days until `now`. */
export function journeyOf(stays: readonly Stay[], now: Date) {
  if (!stays.length) return null;
  return {
    currentStage: stays[stays.length - 1].stage,
    stages: stays.map((s) => ({ ...s, days: ((s.leftAt ?? now).getTime() - s.enteredAt.getTime()) / DAY_MS })),
  };
}

export interface MemberCounts {
  members: number;
  responded: number;
  converted: number;
}

export interface AttributedInCurrency extends AttributedTouch {
  currency: string;
}

/**
 * Campaign.performance: rates over members; influenced revenue and cost in the campaign's
 * currency (else the currency most of its attributed revenue is in).
 */
export function campaignPerformance(
  counts: MemberCounts,
  touches: readonly AttributedInCurrency[],
  cost: { currency: string | null; actualCost: number },
  model: AttributionModel,
) {
  const byCurrency = new Map<string, AttributedInCurrency[]>();
  for (const t of touches) byCurrency.set(t.currency, [...(byCurrency.get(t.currency) ?? []), t]);
  const currency =
    cost.currency ??
    [...byCurrency.entries()].sort(
      (a, b) => influencedRevenue(b[1], 'LINEAR') - influencedRevenue(a[1], 'LINEAR') || a[0].localeCompare(b[0]),
    )[0]?.[0] ??
    null;
  const revenue = currency ? influencedRevenue(byCurrency.get(currency) ?? [], model) : 0;
  return {
    members: counts.members,
    responseRate: ratio(counts.responded, counts.members),
    conversionRate: ratio(counts.converted, counts.members),
    influencedRevenue: revenue,
    actualCost: cost.actualCost,
    currency,
    roi: returnOnInvestment(revenue, cost.actualCost),
  };
}
