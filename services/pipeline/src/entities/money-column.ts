import type { ValueTransformer } from 'typeorm';

/** bigint minor units: pg returns them as strings; amounts stay far below 2^53 (money.ts). */
export const minorUnits: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
