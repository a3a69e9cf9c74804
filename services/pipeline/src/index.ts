export { createService, pipelineService } from './service';
export { registerHandlers } from './events';
