export { createService, pipelineService } from './service';
