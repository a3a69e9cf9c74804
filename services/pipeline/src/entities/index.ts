import { Pipeline, PipelineSettings, PipelineStage } from './pipeline';
import { Deal, DealStageChange } from './deal';
import { Activity } from './activity';
import { ContactReplica } from './contact-replica';

export { Pipeline, PipelineSettings, PipelineStage, Deal, DealStageChange, Activity, ContactReplica };
export const entities = [Pipeline, PipelineStage, PipelineSettings, Deal, DealStageChange, Activity, ContactReplica];
