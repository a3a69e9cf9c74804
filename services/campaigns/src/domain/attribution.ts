/** A campaign membership that touched the contact before the win, at its touch time. */
export interface Touch {
  campaignId: string;
  at: Date;
}

export interface TouchShare {
  campaignId: string;
  firstTouch: number;
  lastTouch: number;
  linear: number;
}

export const ATTRIBUTION_MODELS = ['FIRST_TOUCH', 'LAST_TOUCH', 'LINEAR'] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];

/**
 * docs/kpis.md: touches in time order (ties by campaign id, so the result is deterministic);
 * FIRST_TOUCH gives the whole amount to the first, LAST_TOUCH to the last, LINEAR an equal
 * integer share each with the remainder to the last touch. Each model sums exactly to `amount`.
 * No touches: no shares.
 */
export function attributeRevenue(amount: number, touches: readonly Touch[]): TouchShare[] {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError('amount must be a non-negative safe integer');
  const ordered = [...touches].sort(
    (a, b) => a.at.getTime() - b.at.getTime() || (a.campaignId < b.campaignId ? -1 : a.campaignId > b.campaignId ? 1 : 0),
  );
  const n = ordered.length;
  if (!n) return [];
  const share = Math.floor(amount / n);
  const remainder = amount - share * n;
  return ordered.map((t, i) => ({
    campaignId: t.campaignId,
    firstTouch: i === 0 ? amount : 0,
    lastTouch: i === n - 1 ? amount : 0,
    linear: i === n - 1 ? share + remainder : share,
  }));
}

/**
 * When a membership touched the contact for a deal closed at `closedAt`: its first response if
 * that came before the close, else when it joined.
 */
export function touchTime(addedAt: Date, firstResponseAt: Date | null, closedAt: Date): Date {
  return firstResponseAt && firstResponseAt <= closedAt ? firstResponseAt : addedAt;
}
