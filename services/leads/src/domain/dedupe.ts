// Identity and merge rules: one contact per (tenant, normalised email); merging only fills gaps.

export type EmailResult = { ok: true; email: string } | { ok: false; message: string };

const MAX_EMAIL_LENGTH = 254; // RFC 5321 path limit
const MAX_LOCAL_LENGTH = 64;
const MAX_DOMAIN_LENGTH = 253;

// Pragmatic, not full RFC 5322: dot-atom local part (no quoted strings), and a domain of
// letter/digit/hyphen labels ending in an alphabetic TLD of 2+ letters.
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function normaliseEmail(raw: string): EmailResult {
  if (typeof raw !== 'string') return { ok: false, message: 'Email must be a string' };
  const email = raw.trim().toLowerCase();
  if (email === '') return { ok: false, message: 'Email is required' };
  if (email.length > MAX_EMAIL_LENGTH) {
    return { ok: false, message: `Email must be at most ${MAX_EMAIL_LENGTH} characters` };
  }
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (at < 0 || local.length > MAX_LOCAL_LENGTH || !LOCAL_PART.test(local) || !DOMAIN.test(domain)) {
    return { ok: false, message: `${raw.trim()} is not a valid email address` };
  }
  return { ok: true, email };
}

/**
 * "https://www.Acme.com/about?x=1" -> "acme.com". Returns null when what is left is not a
 * plausible domain, so callers never store junk as a company key.
 */
export function normaliseDomain(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  let s = raw.trim().toLowerCase();
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, ''); // protocol
  s = s.replace(/^\/\//, ''); // protocol-relative
  s = s.split(/[/?#]/, 1)[0] ?? ''; // path, query, fragment
  s = s.slice(s.lastIndexOf('@') + 1); // user:pass@
  s = s.replace(/:\d*$/, ''); // port
  s = s.replace(/\.$/, ''); // fully-qualified trailing dot
  s = s.replace(/^www\d*\./, '');
  // companies.domain is varchar(253), the DNS limit; checked after lower-casing, as stored.
  return s.length <= MAX_DOMAIN_LENGTH && DOMAIN.test(s) ? s : null;
}

/** Personal mailbox providers: their domain says nothing about the contact's company. */
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'yahoo.de',
  'ymail.com',
  'rocketmail.com',
  'outlook.com',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'pm.me',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'web.de',
  'mail.com',
  'zoho.com',
  'fastmail.com',
  'hey.com',
  'tutanota.com',
  'yandex.com',
  'yandex.ru',
  'mail.ru',
  'qq.com',
  '163.com',
  '126.com',
  'orange.fr',
  'free.fr',
  'laposte.net',
  'libero.it',
]);

/** The company domain of an email, or null for free-mail providers and invalid emails. */
export function domainFromEmail(email: string): string | null {
  const result = normaliseEmail(email);
  if (!result.ok) return null;
  const domain = result.email.slice(result.email.lastIndexOf('@') + 1);
  return FREE_MAIL_DOMAINS.has(domain) ? null : domain;
}

/** Trim and collapse inner whitespace; blank -> null. */
export function normaliseName(s: string | null | undefined): string | null {
  if (typeof s !== 'string') return null;
  const name = s.trim().replace(/\s+/g, ' ');
  return name === '' ? null : name;
}

/** null, undefined and whitespace-only strings count as "not set". */
export function isEmptyValue(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

export interface MergeResult<T> {
  merged: T;
  changedFields: (keyof T)[];
}

/**
 * Fills the listed fields that are empty on `existing` from `incoming`. A set field is never
 * overwritten (data a person entered beats a later form fill or import) and an empty incoming
 * value is never written. `existing` is not mutated: `merged` is a shallow plain-object copy.
 * `T extends object` rather than Record<string, unknown> so interfaces and entity classes,
 * which have no index signature, are accepted.
 */
export function mergeContactFields<T extends object>(existing: T, incoming: Partial<T>, fields: readonly (keyof T)[]): MergeResult<T> {
  const merged: T = { ...existing };
  const changedFields: (keyof T)[] = [];
  for (const field of fields) {
    if (changedFields.includes(field)) continue; // field listed twice
    const value = incoming[field];
    if (isEmptyValue(merged[field]) && !isEmptyValue(value)) {
      merged[field] = value as T[keyof T];
      changedFields.push(field);
    }
  }
  return { merged, changedFields };
}

/** mergeContacts: the primary keeps every field it has; the duplicate only fills its gaps. */
export function mergeDuplicateInto<T extends object>(primary: T, duplicate: Partial<T>, fields: readonly (keyof T)[]): MergeResult<T> {
  return mergeContactFields(primary, duplicate, fields);
}
