export { createService, leadsService } from './service';
export { registerHandlers } from './events';
// What the composition root's demo seed (stack/src/seed) drives in-process.
export { importContacts } from './use-cases/import';
export { changeLifecycleStage } from './use-cases/lifecycle';
export { checkTransition, onDealCreated, onDealLost, onDealWon, onNpsResponse, type LifecycleStage } from './domain/lifecycle';
