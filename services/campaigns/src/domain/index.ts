export * from './campaign';
export * from './members';
export * from './attribution';
export * from './segment-rules';
export * from './replica';
