import 'reflect-metadata';
import { Client } from 'pg';
import { Counter } from 'prom-client';
import { DataSource, EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import type { Logger } from './logger';
import { OutboxFlush } from '@crm/events';
import { PreparingClient } from './prepared-client';
import { crmPgTypes } from './timestamp-parser';

type Constructor = new (...args: never[]) => unknown;

export interface DatabaseOptions {
  url: string;
  entities: Constructor[];
  migrations: Constructor[];
  logger?: Logger;
  poolSize?: number;
}

/** Create the service's own database if the server does not have it yet (first start). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`DATABASE_URL has no database name: ${url}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return;
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } catch (err) {
    // Another replica created it between our check and our CREATE: that is success.
    const code = (err as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw err;
  } finally {
    await client.end();
  }
}

/**
 * SQL statements sent, by database: every server's /metrics exposes it (the gateway bench reads
 * statements per request from it). The scrape's own gauge queries (observeQuery) are not
 * counted, so two scrapes with nothing between them read the same count. Registered in no
 * registry here; http-server adds it to its own.
 */
export const sqlStatements = new Counter({
  name: 'crm_sql_statements_total',
  help: 'SQL statements sent to PostgreSQL (not counting the metrics scrape)',
  labelNames: ['database'],
  registers: [],
});

/** A statement that observes rather than works (a gauge read on scrape): not in crm_sql_statements_total. */
export async function observeQuery<T = unknown>(db: DataSource, sql: string, params?: unknown[]): Promise<T> {
  const runner = db.createQueryRunner();
  runner.data = { observing: true };
  try {
    return await runner.query(sql, params);
  } finally {
    await runner.release();
  }
}

/** The service's data source: its own database, migrations applied on start, never `synchronize`. */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  await ensureDatabase(options.url);
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    entities: [...options.entities],
    migrations: [KitMigration1700000000000, ...options.migrations],
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    // A transaction's events are written in one statement as it commits (see emitMany).
    subscribers: [OutboxFlush],
    extra: { max: options.poolSize ?? 10, Client: PreparingClient, types: crmPgTypes },
  });
  await dataSource.initialize();
  countStatements(dataSource);
  options.logger?.debug({ database: dataSource.driver.database }, 'database ready');
  return dataSource;
}

/** TypeORM hands every statement to logger.logQuery (whatever the logging option): count it there. */
function countStatements(dataSource: DataSource) {
  const logger = dataSource.logger;
  const logQuery = logger.logQuery.bind(logger);
  const counter = sqlStatements.labels(String(dataSource.driver.database));
  logger.logQuery = (query, parameters, queryRunner) => {
    if (!(queryRunner?.data as { observing?: boolean } | undefined)?.observing) counter.inc();
    return logQuery(query, parameters, queryRunner);
  };
}

/** Tables every service has: the tenants it has provisioned. */
export class KitMigration1700000000000 implements MigrationInterface {
  name = 'KitMigration1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE IF NOT EXISTS crm_tenants (
      tenant_id varchar(64) PRIMARY KEY,
      provisioned_at timestamptz NOT NULL DEFAULT now())`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE crm_tenants');
  }
}

export type TenantProvisioner = (manager: EntityManager, tenantId: string) => Promise<void>;

/**
 * Tenants are implicit (docs/security.md): the first request of a tenant provisions its defaults, once.
 * The insert into crm_tenants and the defaults share one transaction; a concurrent first request
 * blocks on the primary key until the winner commits, then sees the defaults already there.
 */
export function tenantProvisioning(dataSource: DataSource, provision: TenantProvisioner) {
  const known = new Set<string>();
  return async function ensureTenant(tenantId: string): Promise<void> {
    if (known.has(tenantId)) return;
    await dataSource.transaction((manager) => provisionTenantIn(manager, tenantId, provision));
    known.add(tenantId);
  };
}

/** The same, in the caller's transaction: for work that does not come through a request (event handlers). */
export async function provisionTenantIn(manager: EntityManager, tenantId: string, provision: TenantProvisioner): Promise<void> {
  const inserted: unknown[] = await manager.query(
    'INSERT INTO crm_tenants (tenant_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING tenant_id',
    [tenantId],
  );
  if (inserted.length) await provision(manager, tenantId);
}

/** /ready: the database answers. */
export async function databaseReachable(dataSource: DataSource): Promise<boolean> {
  try {
    await dataSource.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
