import { Pipeline, PipelineSettings, PipelineStage } from './pipeline';
import { Deal, DealStageChange } from './deal';
import { Activity } from './activity';

export { Pipeline, PipelineSettings, PipelineStage, Deal, DealStageChange, Activity };
export const entities = [Pipeline, PipelineStage, PipelineSettings, Deal, DealStageChange, Activity];
