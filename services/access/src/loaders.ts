/**
 * The access service resolves no entity fields in batches: its reads are one list per request
 * (apiKeys) or one look-up by prefix (apiKeyGrant). Kept for the service shape; add DataLoaders
 * here (through tenantRepository) when a field needs one.
 */
export type Loaders = Record<string, never>;
export const createLoaders = (): Loaders => ({});
