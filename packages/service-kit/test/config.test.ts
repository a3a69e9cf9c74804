import { z } from 'zod';
import { ConfigError, env, exitOnConfigError, loadConfig, serviceEnvSchema } from '../src/config';

const good = { PORT: '4001', DATABASE_URL: 'postgres://u@h:5432/crm_leads', SUBGRAPH_SECRET: 'a-long-enough-secret' };

describe('loadConfig', () => {
  test('parses and coerces a good environment, with defaults', () => {
    const c = loadConfig(serviceEnvSchema, good);
    expect(c).toMatchObject({ PORT: 4001, DATABASE_URL: good.DATABASE_URL, LOG_LEVEL: 'info', NODE_ENV: 'development' });
    expect(c.KAFKA_BROKERS).toBeUndefined();
  });

  test.each([
    [{ ...good, PORT: undefined }, 'Invalid configuration: PORT is required'],
    [{ ...good, PORT: '' }, 'Invalid configuration: PORT is required'],
    [{ ...good, PORT: 'abc' }, 'Invalid configuration: PORT'],
    [{ ...good, PORT: '70000' }, 'Invalid configuration: PORT'],
    [{ ...good, DATABASE_URL: 'mysql://x' }, 'Invalid configuration: DATABASE_URL must be a postgres:// URL'],
    [{ ...good, SUBGRAPH_SECRET: 'short' }, 'Invalid configuration: SUBGRAPH_SECRET must be at least 16 characters'],
    [{ ...good, KAFKA_BROKERS: 'localhost' }, 'Invalid configuration: KAFKA_BROKERS must be host:port[,host:port...]'],
    [{ ...good, LOG_LEVEL: 'loud' }, 'Invalid configuration: LOG_LEVEL'],
  ])('names the bad variable: %j', (source, message) => {
    let error: unknown;
    try {
      loadConfig(serviceEnvSchema, source);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message.startsWith(message)).toBe(true);
    expect((error as Error).message).not.toContain('\n');
  });

  test('accepts a broker list', () => {
    expect(loadConfig(serviceEnvSchema, { ...good, KAFKA_BROKERS: 'a:9092, b:9093' }).KAFKA_BROKERS).toBe('a:9092, b:9093');
  });

  test('custom schemas use the same shared validators', () => {
    const schema = z.object({ AUTH_JWT_SECRET: env.secret });
    expect(() => loadConfig(schema, {})).toThrow('Invalid configuration: AUTH_JWT_SECRET is required');
  });
});

describe('exitOnConfigError', () => {
  test('prints one line and exits 1 for a config error', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => { throw new Error('exit'); }) as never);
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(() => exitOnConfigError(new ConfigError('PORT', 'is required'))).toThrow('exit');
    expect(write).toHaveBeenCalledWith('Invalid configuration: PORT is required\n');
    expect(exit).toHaveBeenCalledWith(1);
    exit.mockRestore();
    write.mockRestore();
  });

  test('rethrows anything else', () => {
    expect(() => exitOnConfigError(new TypeError('boom'))).toThrow(TypeError);
  });
});
