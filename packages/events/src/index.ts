export * from './catalog';
export * from './envelope';
export * from './outbox';
export * from './transport';
export * from './relay';
export * from './consumer';
export * from './kafka';
export * from './history';
