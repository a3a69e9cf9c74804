// Replacing a pipeline's stage set (updatePipelineStages): which stages are kept and updated,
// which are new, which are removed, and where the deals of a removed stage go. Pure: the caller
// loads the current stages with their deal counts, asks here, then applies the plan.
import { type ForecastCategory, type StageDefinition, canDeleteStage, validatePipelineStages } from './stages';
import { type RuleViolation, badUserInput, conflict } from './result';

export interface ExistingStage {
  id: string;
  name: string;
  isWon: boolean;
  isLost: boolean;
  /** Deals (of any status) currently in the stage. */
  dealCount: number;
}

/** One stage of the new set, in board order; `id` names an existing stage to keep. */
export interface StageInput {
  id?: string | null;
  name: string;
  probability: number;
  forecastCategory: ForecastCategory;
  isWon?: boolean | null;
  isLost?: boolean | null;
}

/** Deals of a removed stage move to a kept open stage before the stage goes. */
export interface DealReassignment {
  fromStageId: string;
  toStageId: string;
}

export interface StagePlan {
  /** The whole new set; `order` is the position in the input, from 1. */
  definitions: StageDefinition[];
  updates: Array<{ id: string; definition: StageDefinition }>;
  inserts: StageDefinition[];
  removals: Array<{ id: string; moveDealsTo: string | null }>;
}

export function planStageChanges(
  existing: readonly ExistingStage[],
  inputs: readonly StageInput[],
  reassignments: readonly DealReassignment[] = [],
): { ok: true; value: StagePlan } | RuleViolation {
  const byId = new Map(existing.map((s) => [s.id, s]));
  const kept = new Set<string>();
  for (const [index, input] of inputs.entries()) {
    if (input.id === undefined || input.id === null) continue;
    if (!byId.has(input.id)) return badUserInput(`stages[${index}].id`, `Stage ${input.id} is not a stage of this pipeline`);
    if (kept.has(input.id)) return badUserInput(`stages[${index}].id`, `Stage ${input.id} is listed twice`);
    kept.add(input.id);
  }

  const definitions: StageDefinition[] = inputs.map((input, index) => ({
    name: typeof input.name === 'string' ? input.name.trim() : input.name,
    order: index + 1,
    probability: input.probability,
    forecastCategory: input.forecastCategory,
    isWon: input.isWon ?? false,
    isLost: input.isLost ?? false,
  }));
  const valid = validatePipelineStages(definitions);
  if (!valid.ok) return badUserInput(valid.field, valid.message);

  const updates: StagePlan['updates'] = [];
  const inserts: StageDefinition[] = [];
  for (const [index, input] of inputs.entries()) {
    const definition = definitions[index];
    const current = input.id ? byId.get(input.id) : undefined;
    if (!current) {
      inserts.push(definition);
      continue;
    }
    // The won and lost stages hold the closed deals; a stage cannot change what it means.
    if (current.isWon !== definition.isWon || current.isLost !== definition.isLost) {
      return conflict(`Stage "${current.name}" cannot change its won/lost flags; add a new stage instead`);
    }
    updates.push({ id: current.id, definition });
  }

  const removed = existing.filter((s) => !kept.has(s.id));
  const removedIds = new Set(removed.map((s) => s.id));
  const target = new Map<string, string>();
  for (const [index, r] of reassignments.entries()) {
    if (!removedIds.has(r.fromStageId)) {
      return badUserInput(`moveDeals[${index}].fromStageId`, `Stage ${r.fromStageId} is not a stage being removed`);
    }
    if (target.has(r.fromStageId)) {
      return badUserInput(`moveDeals[${index}].fromStageId`, `Stage ${r.fromStageId} is reassigned twice`);
    }
    const to = updates.find((u) => u.id === r.toStageId);
    if (!to || to.definition.isWon || to.definition.isLost) {
      return badUserInput(`moveDeals[${index}].toStageId`, 'Deals can only move to an open stage that is kept');
    }
    target.set(r.fromStageId, r.toStageId);
  }

  const removals: StagePlan['removals'] = [];
  for (const stage of removed) {
    const moveDealsTo = target.get(stage.id) ?? null;
    const check = canDeleteStage(stage, moveDealsTo ? 0 : stage.dealCount);
    if (!check.ok) return check.code === 'CONFLICT' ? conflict(`Stage "${stage.name}": ${check.message}`) : check;
    removals.push({ id: stage.id, moveDealsTo });
  }
  return { ok: true, value: { definitions, updates, inserts, removals } };
}
