/**
 * Length in characters (Unicode code points), not UTF-16 units: Postgres varchar(n) counts
 * characters, so an emoji counts once here as it does in the column. Every length limit of
 * every input (API and CSV import alike) is checked with this.
 */
export function characterLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
