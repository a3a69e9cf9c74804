/** Which of campaigns' per-touch amounts a model reads (campaigns computes them; analytics sums). */
export const ATTRIBUTION_MODELS = ['FIRST_TOUCH', 'LAST_TOUCH', 'LINEAR'] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];

export interface AttributedTouch {
  firstTouch: number;
  lastTouch: number;
  linear: number;
}

export const ATTRIBUTION_COLUMN: Record<AttributionModel, 'first_touch' | 'last_touch' | 'linear'> = {
  FIRST_TOUCH: 'first_touch',
  LAST_TOUCH: 'last_touch',
  LINEAR: 'linear',
};

export function touchAmount(touch: AttributedTouch, model: AttributionModel): number {
  return model === 'FIRST_TOUCH' ? touch.firstTouch : model === 'LAST_TOUCH' ? touch.lastTouch : touch.linear;
}

/** A campaign's influenced revenue under `model`: the sum of its touches' amounts. */
export function influencedRevenue(touches: readonly AttributedTouch[], model: AttributionModel): number {
  return touches.reduce((sum, t) => sum + touchAmount(t, model), 0);
}
