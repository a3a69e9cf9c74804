import type { IncomingMessage } from 'node:http';
import { Kind, parse } from 'graphql';

/** A request refused before GraphQL sees it: an HTTP status, a code, and whether to close the connection. */
export class ClientRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string,
    readonly closeConnection = false,
    readonly code = 'BAD_REQUEST',
  ) {
    super(message);
  }
}

export interface BodyLimits {
  /** Any /graphql body (default 1 MB). */
  maxBytes: number;
  /** Bodies whose every root field is in `largeBodyFields` may reach this (default 16 MB). */
  maxLargeBytes: number;
  /** Operations that carry a file in a variable (importContacts' CSV). */
  largeBodyFields: string[];
}

export const DEFAULT_BODY_LIMITS: BodyLimits = { maxBytes: 1024 * 1024, maxLargeBytes: 16 * 1024 * 1024, largeBodyFields: [] };

/**
 * The path and query of a request target, whatever form it came in: origin-form (`/graphql?x`),
 * absolute-form (`http://host:port/graphql`, even with a port URL parsing refuses) or garbage.
 */
export function requestTarget(raw: string | undefined): { pathname: string; search: string } {
  let target = raw ?? '/';
  if (!target.startsWith('/')) {
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(.*)$/i.exec(target);
    if (!m) throw new ClientRequestError('Malformed request target', 400, 'BAD_TARGET');
    target = m[1] || '/';
  }
  const q = target.indexOf('?');
  const pathname = (q < 0 ? target : target.slice(0, q)).split('#')[0];
  const search = q < 0 ? '' : target.slice(q).split('#')[0];
  return { pathname, search };
}

const tooLarge = (limit: number) => new ClientRequestError(`Request body exceeds ${limit} bytes`, 413, 'BODY_TOO_LARGE', true);

/** The most a body may hold before it is parsed: the larger cap when some operation may use it. */
export const hardBodyLimit = (limits: BodyLimits) =>
  limits.largeBodyFields.length ? Math.max(limits.maxBytes, limits.maxLargeBytes) : limits.maxBytes;

/** A body handed over in memory (an in-process call) is held to the same cap as one read off a socket. */
export function checkBodySize(body: Buffer, limits: BodyLimits): Buffer {
  const hard = hardBodyLimit(limits);
  if (body.length > hard) throw tooLarge(hard);
  return body;
}

/** The body, up to the larger cap; a declared or actual size past it is 413 (and the connection closes). */
export async function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const hard = hardBodyLimit(limits);
  const declared = req.headers['content-length'];
  if (declared !== undefined && (!/^\d+$/.test(declared) || Number(declared) > hard)) {
    if (!/^\d+$/.test(declared)) throw new ClientRequestError('Malformed Content-Length', 400, 'BAD_LENGTH', true);
    throw tooLarge(hard);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > hard) throw tooLarge(hard);
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof ClientRequestError) throw err;
    // The client went away or sent a broken chunked body: nothing to execute.
    throw new ClientRequestError('Request body incomplete', 400, 'BODY_INCOMPLETE', true);
  }
  return Buffer.concat(chunks);
}

/** Whether every root field of every operation in `query` is one of `fields`. */
function onlyFields(query: unknown, fields: string[]): boolean {
  if (typeof query !== 'string') return false;
  try {
    const doc = parse(query, { maxTokens: 2000 });
    return doc.definitions.every(
      (d) =>
        d.kind === Kind.OPERATION_DEFINITION &&
        d.selectionSet.selections.every((s) => s.kind === Kind.FIELD && fields.includes(s.name.value)),
    );
  } catch {
    return false;
  }
}

/** Deeper than any real request: variables nested further would overflow JSON.stringify downstream. */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests objects/arrays deeper than `max` (iterative: no recursion to overflow). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v))
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/** JSON bodies parsed (malformed or too deeply nested JSON is 400); a body past the normal cap must be a large-body operation. */
export function parseJsonBody(raw: Buffer, contentType: string | undefined, limits: BodyLimits): unknown {
  if (!raw.length) return '';
  const text = raw.toString('utf8');
  if (!/json/i.test(contentType ?? '')) {
    if (raw.length > limits.maxBytes) throw tooLarge(limits.maxBytes);
    return text;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ClientRequestError('Request body is not valid JSON', 400, 'BAD_JSON');
  }
  if (nestedDeeperThan(body, MAX_JSON_DEPTH)) {
    throw new ClientRequestError(`Request body nests deeper than ${MAX_JSON_DEPTH} levels`, 400, 'JSON_TOO_DEEP');
  }
  if (raw.length > limits.maxBytes && !onlyFields((body as { query?: unknown } | null)?.query, limits.largeBodyFields)) {
    throw tooLarge(limits.maxBytes);
  }
  return body;
}
