import { createHash } from 'node:crypto';
import type { Fetcher } from '@apollo/utils.fetcher';
import { GATEWAY_IDENTITY, HttpAuthError, Identity, Logger, signIdentity } from '@crm/service-kit';

/** A key's caller: scopes instead of roles, and its own rate limit. */
export interface KeyCaller {
  identity: Identity;
  rateLimitPerMinute: number;
}

interface Grant {
  keyId: string;
  tenantId: string;
  scopes: string[];
  rateLimitPerMinute: number;
}

const GRANT_QUERY = 'query ApiKeyGrant($secret: String!) { apiKeyGrant(secret: $secret) { keyId tenantId scopes rateLimitPerMinute } }';
/** Longer than any key we issue (crm_ + 10 + _ + 43): anything longer is not looked up. */
const MAX_KEY_LENGTH = 100;

export interface ApiKeyOptions {
  /** The access subgraph's URL: the gateway asks it, signed as itself (service-kit GATEWAY_IDENTITY). */
  url: string;
  secret: string;
  fetcher: Fetcher;
  logger: Logger;
  /** How long an answer (valid or not) is reused: revocation and rotation take effect within it. */
  ttlMs?: number;
  maxEntries?: number;
}

/**
 * `x-api-key` → tenant + scopes. Each replica asks the access subgraph and keeps the answer for
 * at most `ttlMs` (4 s), so a revoked or rotated key stops working on every replica within 5 s
 * without any invalidation channel; concurrent requests with one key share one look-up.
 */
export class ApiKeyAuthenticator {
  private readonly cache = new Map<string, { caller: KeyCaller | null; expiresAt: number }>();
  private readonly inFlight = new Map<string, Promise<KeyCaller | null>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(private readonly opts: ApiKeyOptions) {
    this.ttlMs = opts.ttlMs ?? 4000;
    this.maxEntries = opts.maxEntries ?? 10_000;
  }

  /** The caller of a request carrying `x-api-key`, undefined when it carries none; a bad key is 401. */
  async authenticate(header: string | string[] | undefined): Promise<KeyCaller | undefined> {
    if (header === undefined) return undefined;
    const key = Array.isArray(header) ? header[0] : header;
    const caller = key && key.length <= MAX_KEY_LENGTH ? await this.lookUp(key) : null;
    if (!caller) throw new HttpAuthError('Unauthenticated: unknown or revoked API key', 401, 'UNAUTHENTICATED');
    return caller;
  }

  private async lookUp(key: string): Promise<KeyCaller | null> {
    const id = createHash('sha256').update(key).digest('base64url');
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && hit.expiresAt > now) return hit.caller;
    let pending = this.inFlight.get(id);
    if (!pending) {
      pending = this.ask(key).finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, pending);
    }
    const caller = await pending;
    this.remember(id, caller, now + this.ttlMs);
    return caller;
  }

  private remember(id: string, caller: KeyCaller | null, expiresAt: number) {
    this.cache.delete(id);
    // Bounded: the oldest answers go first (a flood of made-up keys cannot grow the map).
    while (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(id, { caller, expiresAt });
  }

  private async ask(key: string): Promise<KeyCaller | null> {
    const body = JSON.stringify({ query: GRANT_QUERY, variables: { secret: key } });
    const headers = {
      'content-type': 'application/json',
      ...signIdentity(GATEWAY_IDENTITY, this.opts.secret, { method: 'POST', subgraph: 'access', body }),
    };
    let grant: Grant | null;
    try {
      const res = await this.opts.fetcher(this.opts.url, { method: 'POST', headers, body });
      const json = (await res.json()) as { data?: { apiKeyGrant: Grant | null }; errors?: unknown[] };
      if (!res.ok || json.errors?.length || !json.data) throw new Error(`access answered ${res.status}`);
      grant = json.data.apiKeyGrant;
    } catch (err) {
      this.opts.logger.warn({ err }, 'API key look-up failed');
      throw new HttpAuthError('API keys cannot be checked right now', 503, 'SUBGRAPH_UNAVAILABLE', { 'retry-after': '5' });
    }
    if (!grant) return null;
    return {
      identity: { tenantId: grant.tenantId, userId: `key:${grant.keyId}`, roles: [], scopes: grant.scopes },
      rateLimitPerMinute: grant.rateLimitPerMinute,
    };
  }
}
