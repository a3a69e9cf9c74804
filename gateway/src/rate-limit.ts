import Redis from 'ioredis';
import { HttpAuthError, Logger } from '@crm/service-kit';

/** One take from a bucket: allowed, or how long until a token is back. */
export interface Take {
  allowed: boolean;
  retryAfterMs: number;
}

/**
 * Token buckets: `perMinute` tokens of capacity, refilled continuously at perMinute / 60 s.
 * A full bucket allows a burst of one minute's worth, then the steady rate.
 */
export interface RateLimiter {
  take(bucket: string, perMinute: number): Promise<Take>;
  close(): Promise<void>;
}

/** The pure refill+take: what the Lua script does in Redis, for one process. */
export function refillAndTake(state: { tokens: number; atMs: number } | undefined, perMinute: number, nowMs: number) {
  const ratePerMs = perMinute / 60_000;
  const tokens = Math.min(perMinute, (state?.tokens ?? perMinute) + Math.max(0, nowMs - (state?.atMs ?? nowMs)) * ratePerMs);
  if (tokens >= 1) return { state: { tokens: tokens - 1, atMs: nowMs }, take: { allowed: true, retryAfterMs: 0 } };
  return { state: { tokens, atMs: nowMs }, take: { allowed: false, retryAfterMs: Math.ceil((1 - tokens) / ratePerMs) } };
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();
  constructor(private readonly maxBuckets = 100_000) {}

  async take(bucket: string, perMinute: number): Promise<Take> {
    const now = Date.now();
    const { state, take } = refillAndTake(this.buckets.get(bucket), perMinute, now);
    this.buckets.delete(bucket);
    if (this.buckets.size >= this.maxBuckets) this.buckets.delete(this.buckets.keys().next().value!);
    this.buckets.set(bucket, state);
    return take;
  }

  async close() {}
}

// Atomic refill+take on Redis's own clock (replicas' clocks may differ). KEYS[1] = the bucket,
// ARGV[1] = tokens per minute. Returns { allowed (0|1), retry-after ms }.
const TAKE_SCRIPT = `
local cap = tonumber(ARGV[1])
local rate = cap / 60000
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local h = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(h[1]) or cap
local at = tonumber(h[2]) or now
tokens = math.min(cap, tokens + math.max(0, now - at) * rate)
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], 61000)
return { allowed, retry }
`;

type TakeCommand = { takeToken(key: string, perMinute: number): Promise<[number, number]> };

/**
 * Buckets shared by every gateway replica (REDIS_URL). If Redis does not answer, the replica
 * falls back to its own buckets rather than refusing or waving everyone through.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis & TakeCommand;
  private readonly fallback = new MemoryRateLimiter();

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    this.redis = new Redis(url, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      connectTimeout: 2000,
      commandTimeout: 1000,
    }) as Redis & TakeCommand;
    this.redis.defineCommand('takeToken', { numberOfKeys: 1, lua: TAKE_SCRIPT });
    this.redis.on('error', (err) => this.logger.warn({ err }, 'rate limiter: redis error'));
  }

  async take(bucket: string, perMinute: number): Promise<Take> {
    try {
      const [allowed, retryAfterMs] = await this.redis.takeToken(`${this.prefix}${bucket}`, perMinute);
      return { allowed: allowed === 1, retryAfterMs };
    } catch (err) {
      this.logger.warn({ err }, 'rate limiter: redis unavailable, limiting in this process');
      return this.fallback.take(bucket, perMinute);
    }
  }

  async close() {
    this.redis.disconnect();
  }
}

export interface RateLimitOptions {
  /** Shared buckets across replicas when set; in memory otherwise. */
  redisUrl?: string;
  /** Key prefix in Redis (tests use their own). */
  redisPrefix?: string;
  /** Per user (JWT), per minute: generous by default. */
  userPerMinute?: number;
}

export const DEFAULT_USER_RATE_LIMIT_PER_MINUTE = 6000;

export function createRateLimiter(opts: RateLimitOptions, logger: Logger): RateLimiter {
  return opts.redisUrl ? new RedisRateLimiter(opts.redisUrl, opts.redisPrefix ?? 'crm:rl:', logger) : new MemoryRateLimiter();
}

/** 429 with Retry-After (whole seconds, at least 1) and RATE_LIMITED, or nothing. */
export async function admit(limiter: RateLimiter, bucket: string, perMinute: number): Promise<void> {
  const take = await limiter.take(bucket, perMinute);
  if (take.allowed) return;
  const seconds = Math.max(1, Math.ceil(take.retryAfterMs / 1000));
  throw new HttpAuthError(`Rate limit of ${perMinute} requests per minute exceeded; retry in ${seconds} s`, 429, 'RATE_LIMITED', {
    'retry-after': String(seconds),
  });
}
