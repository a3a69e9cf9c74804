export * from './gateway';
export * from './auth';
export * from './compose';
export * from './config';
export * from './data-source';
