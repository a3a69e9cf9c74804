export * from './gateway';
export * from './auth';
export * from './compose';
export * from './data-source';
