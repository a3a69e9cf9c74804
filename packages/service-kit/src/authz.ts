import { forbidden } from './errors';
import type { Identity, Role } from './identity';

/**
 * Users are governed by roles (admin can do everything); partner API keys by scopes.
 * Each operation names both, e.g. authorize(ctx, ['sales', 'marketing'], 'contacts:write').
 */
export function authorize(identity: Identity, roles: readonly Role[], scope: string): void {
  if (identity.scopes) {
    if (!identity.scopes.includes(scope)) throw forbidden(`This API key lacks the ${scope} scope`);
    return;
  }
  if (identity.roles.includes('admin')) return;
  if (!roles.some((r) => identity.roles.includes(r))) {
    throw forbidden(`Requires one of the roles: ${['admin', ...roles].join(', ')}`);
  }
}
