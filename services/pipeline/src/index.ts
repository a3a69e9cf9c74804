export { createService, pipelineService } from './service';
export { registerHandlers } from './events';
// What the composition root's demo seed (stack/src/seed) drives in-process.
export { createDeal } from './use-cases/deal-writes';
export { winDeal, loseDeal } from './use-cases/deal-closing';
export { updatePipelineSettings } from './use-cases/pipelines';
export { loadSettings as loadPipelineSettings } from './use-cases/provisioning';
export { DEFAULT_LOST_REASONS } from './domain';
