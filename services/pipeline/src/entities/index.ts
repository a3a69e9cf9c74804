import { Pipeline, PipelineStage } from './pipeline';

export { Pipeline, PipelineStage };
export const entities = [Pipeline, PipelineStage];
