export * from './database';
export * from './graphql';
export * from './kafka-broker';
export * from './service';
export * from './events';
