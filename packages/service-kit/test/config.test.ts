import { z } from 'zod';
import {
  ConfigError,
  env,
  estimateSecretBits,
  exitOnConfigError,
  loadConfig,
  requireStrongSecrets,
  serviceEnvSchema,
  weakSecretReason,
} from '../src/config';

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
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => {
      throw new Error('exit');
    }) as never);
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

describe('production secrets', () => {
  const prod = (SUBGRAPH_SECRET: string) => ({ NODE_ENV: 'production', SUBGRAPH_SECRET });
  test.each([
    ['change-me-subgraph-secret', 'published example'],
    ['change-me-auth-jwt-secret', 'published example'],
    ['test-subgraph-secret-0123456789', 'published example'],
    ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'one class'],
    ['abcdefghijklmnopqrstuvwxyzabcdefghijklmnop', 'one class'],
    ['ab12ab12ab12ab12ab12ab12ab12ab12', 'repeats'],
    ['Passw0rd!aaaa1234', 'bits of entropy'],
    ['Tr0ub4dor&3xyzQaaaaaaaaaaaaaaaaaaaa', 'bits of entropy'],
    ['Tr0ub4dor&3xyzQ', 'bits of entropy'],
  ])('%s is refused in production (%s), with one line naming the variable', (value, reason) => {
    expect(() => requireStrongSecrets(prod(value), ['SUBGRAPH_SECRET'])).toThrow(ConfigError);
    try {
      requireStrongSecrets(prod(value), ['SUBGRAPH_SECRET']);
    } catch (err) {
      expect((err as Error).message).toMatch(new RegExp(`^Invalid configuration: SUBGRAPH_SECRET .*${reason}`));
      expect((err as Error).message).not.toContain('\n');
    }
  });

  test('random secrets pass (openssl rand -hex 32 / -base64 32), and nothing is checked outside production', () => {
    expect(() =>
      requireStrongSecrets(prod('3f9a1c7e5b2d8046a1e9c3b7d5f20864c1a9e7b3d5f2086413579bdf2468ace0'), ['SUBGRAPH_SECRET']),
    ).not.toThrow();
    expect(() => requireStrongSecrets(prod('q2Vx9L+7kPz0Jr4mWc1Ns8Tb5Hd3Ye6Gf0Ua2Ko9Ri8='), ['SUBGRAPH_SECRET'])).not.toThrow();
    expect(() =>
      requireStrongSecrets({ NODE_ENV: 'development', SUBGRAPH_SECRET: 'change-me-subgraph-secret' }, ['SUBGRAPH_SECRET']),
    ).not.toThrow();
    expect(weakSecretReason('3f9a1c7e5b2d8046a1e9c3b7d5f20864')).toBeUndefined(); // 128 bits of hex
    // A run of four happens by chance in 1.5 % of random hex secrets of 64 digits.
    expect(weakSecretReason('3f9a1c7e5b2d8046a1e9c3b7d5f2aaaa64c1a9e7b3d5f2086413579bdf2468ace0')).toBeUndefined();
    expect(estimateSecretBits('0123456789abcdef0123456789abcdef')).toBeGreaterThan(128);
  });
});
