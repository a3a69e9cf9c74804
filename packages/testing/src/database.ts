import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The server the tests use: DATABASE_URL (CI: the machine's Postgres; else jest's embedded one). */
export function baseDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set (jest/global-setup.mjs sets it)');
  return url;
}

export function databaseUrl(name: string): string {
  const url = new URL(baseDatabaseUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, uniquely named database for one test file (the service creates its tables). */
export function testDatabase(prefix: string): TestDatabase {
  const name = `t_${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  return {
    name,
    url: databaseUrl(name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** A TypeORM data source, as far as withStatements reads it. */
interface LoggedDataSource {
  logger: { logQuery(query: string, ...rest: any[]): unknown }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The SQL statements `call` sends through `db` (read off its logger), with what it returned. */
export async function withStatements<R>(db: LoggedDataSource, call: () => Promise<R>): Promise<{ result: R; statements: string[] }> {
  const logger = db.logger;
  const original = logger.logQuery.bind(logger);
  const statements: string[] = [];
  logger.logQuery = (query: string, ...rest: unknown[]) => {
    statements.push(query);
    return (original as (...a: unknown[]) => unknown)(query, ...rest);
  };
  try {
    return { result: await call(), statements };
  } finally {
    logger.logQuery = original;
  }
}
