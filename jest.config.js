// One Jest run over every workspace. Postgres and Kafka are started once for the whole run
// (jest/global-setup.mjs) unless DATABASE_URL / KAFKA_BROKERS point at running servers.
const path = require('node:path');

const workspaces = [
  'packages/service-kit', 'packages/events', 'packages/testing', 'packages/stack',
  'services/leads', 'services/pipeline', 'services/tickets', 'services/campaigns', 'services/analytics',
  'gateway',
];

const project = (dir) => ({
  displayName: require(path.join(__dirname, dir, 'package.json')).name,
  rootDir: path.join(__dirname, dir),
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.test.json') }],
  },
  // Tests import sibling workspaces from source, so no build is needed before `npm test`.
  moduleNameMapper: {
    '^@crm/(service-kit|events|testing|stack)$': path.join(__dirname, 'packages/$1/src'),
    '^@crm/gateway$': path.join(__dirname, 'gateway/src'),
    '^@crm/(leads|pipeline|tickets|campaigns|analytics)$': path.join(__dirname, 'services/$1/src'),
  },
});

module.exports = {
  globalSetup: path.join(__dirname, 'jest/global-setup.mjs'),
  globalTeardown: path.join(__dirname, 'jest/global-teardown.mjs'),
  testTimeout: 60000,
  // Tests wait on Postgres and Kafka far more than on CPU: three files at a time on two cores.
  maxWorkers: Number(process.env.JEST_WORKERS ?? 3),
  projects: workspaces.map(project),
};
