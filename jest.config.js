// One Jest run over every workspace. Postgres and Kafka are started once for the whole run
// (jest/global-setup.mjs) unless DATABASE_URL / KAFKA_BROKERS point at running servers.
// The subgraphs come from the manifest (subgraphs.json): a new service needs no line here.
const path = require('node:path');
const { subgraphs } = require('./subgraphs.json');

const libraries = { '@crm/service-kit': 'packages/service-kit', '@crm/events': 'packages/events', '@crm/testing': 'packages/testing' };
const services = Object.fromEntries(subgraphs.map((s) => [`@crm/${s.name}`, `services/${s.name}`]));
const roots = { ...libraries, ...services, '@crm/gateway': 'gateway', '@crm/stack': 'stack' };

// Tests import sibling workspaces from source, so no build is needed before `npm test`.
const moduleNameMapper = Object.fromEntries(
  Object.entries(roots).map(([name, dir]) => [`^${name.replace('/', '\\/')}$`, path.join(__dirname, dir, 'src')]),
);

const project = (dir) => ({
  displayName: require(path.join(__dirname, dir, 'package.json')).name,
  rootDir: path.join(__dirname, dir),
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.test.json') }],
  },
  moduleNameMapper,
});

module.exports = {
  globalSetup: path.join(__dirname, 'jest/global-setup.mjs'),
  globalTeardown: path.join(__dirname, 'jest/global-teardown.mjs'),
  testTimeout: 60000,
  // Tests wait on Postgres and Kafka far more than on CPU: three files at a time on two cores.
  maxWorkers: Number(process.env.JEST_WORKERS ?? 3),
  projects: Object.values(roots).map(project),
};
