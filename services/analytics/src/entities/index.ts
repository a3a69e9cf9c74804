import { ContactStage } from './contact-stage';

export { ContactStage };
export const entities = [ContactStage];
