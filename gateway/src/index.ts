export * from './gateway';
export * from './auth';
export * from './compose';
export * from './config';
export * from './data-source';
export * from './api-keys';
export * from './rate-limit';
export * from './cost-limit';
