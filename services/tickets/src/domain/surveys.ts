import { badInput, characterLength } from '@crm/service-kit';

export const SURVEY_KINDS = ['NPS', 'CSAT'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];

/** NPS 0-10, CSAT 1-5. */
export const SCORE_RANGE: Readonly<Record<SurveyKind, readonly [number, number]>> = { NPS: [0, 10], CSAT: [1, 5] };
export const MAX_SURVEY_COMMENT = 5_000;

export function validateSurvey(input: { kind: unknown; score: unknown; comment?: unknown }): {
  kind: SurveyKind;
  score: number;
  comment: string | null;
} {
  if (!(SURVEY_KINDS as readonly unknown[]).includes(input.kind)) throw badInput('kind', 'kind must be NPS or CSAT');
  const kind = input.kind as SurveyKind;
  const [min, max] = SCORE_RANGE[kind];
  const score = input.score;
  if (typeof score !== 'number' || !Number.isInteger(score) || score < min || score > max) {
    throw badInput('score', `a ${kind} score is a whole number from ${min} to ${max}`);
  }
  const comment = input.comment;
  if (comment !== undefined && comment !== null && (typeof comment !== 'string' || characterLength(comment) > MAX_SURVEY_COMMENT)) {
    throw badInput('comment', `comment must be at most ${MAX_SURVEY_COMMENT} characters`);
  }
  return { kind, score, comment: typeof comment === 'string' ? comment.trim() || null : null };
}
