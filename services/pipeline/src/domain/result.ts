// Result shapes shared by the pipeline rules. Resolvers map a failure to a GraphQL error:
// `field` becomes extensions.field, `code` becomes extensions.code (docs/api.md).

export interface Ok {
  ok: true;
}

/** Input rejected; `field` names the input field at fault (BAD_USER_INPUT). */
export interface FieldError {
  ok: false;
  field: string;
  message: string;
}

/** A rule refused an operation: a conflict with current state, or bad input naming its field. */
export type RuleViolation =
  { ok: false; code: 'CONFLICT'; message: string } | { ok: false; code: 'BAD_USER_INPUT'; field: string; message: string };

export type Validation = Ok | FieldError;
export type Validated<T> = { ok: true; value: T } | FieldError;
export type RuleCheck = Ok | RuleViolation;

export function fieldError(field: string, message: string): FieldError {
  return { ok: false, field, message };
}

export function conflict(message: string): RuleViolation {
  return { ok: false, code: 'CONFLICT', message };
}

export function badUserInput(field: string, message: string): RuleViolation {
  return { ok: false, code: 'BAD_USER_INPUT', field, message };
}

// Code-point length lives once in service-kit, so every service (and the CSV import) agrees.
export { characterLength } from '@crm/service-kit';
