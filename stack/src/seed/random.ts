// A small deterministic PRNG (mulberry32) and the draws the demo story is made of.

export type Rng = () => number;

/** mulberry32: 32-bit state, good enough for demo data, identical on every machine. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stream per (seed, key): contact 42's story does not change when the tenant grows. */
export function streamFor(seed: number, key: number): Rng {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ key, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return mulberry32(h ^ (h >>> 16));
}

export const chance = (rng: Rng, p: number) => rng() < p;
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
export const between = (rng: Rng, min: number, max: number) => min + rng() * (max - min);
export const intBetween = (rng: Rng, min: number, max: number) => Math.floor(between(rng, min, max + 1));

/** Exponential delay with the given mean (days), floored at `min` days. */
export const delayDays = (rng: Rng, mean: number, min = 0.05) => Math.max(min, -Math.log(1 - rng()) * mean);
