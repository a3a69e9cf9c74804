import type { EntityManager } from 'typeorm';
import { emit } from '@crm/events';
import { advisoryXactLock, badInput, characterLength, notFound, requireUuid, tenantRepository, type Actor } from '@crm/service-kit';
import { Company, Contact } from '../entities';
import { normaliseDomain, normaliseEmail } from '../domain/dedupe';
import { assignOwnerIfDue } from './assignment';
import { recordStageChange } from './lifecycle';
import { addEngagement, rescore } from './scoring';
import { recordTouch } from './contact-records';

export interface CaptureLeadInput {
  email: string;
  firstName?: string | null;
  lastName?: string | null;
  jobTitle?: string | null;
  phone?: string | null;
  companyName?: string | null;
  companyDomain?: string | null;
  industry?: string | null;
  companySize?: number | null;
  country?: string | null;
  budget?: number | null;
  source?: string | null;
  campaignId?: string | null;
  /** The contact who referred this one (set on the first capture only). */
  referrerId?: string | null;
}

/** Sources that know only anonymous engagement (tracking): the person starts as a VISITOR. */
export const VISITOR_SOURCES = new Set(['visit', 'page_view', 'tracking']);
/** Sources that are a form fill: they count as engagement for the score. */
const FORM_SOURCES = new Set(['form', 'web_form', 'landing_page']);

const PROFILE_FIELDS = ['firstName', 'lastName', 'jobTitle', 'phone', 'source', 'companyId', 'country', 'budget'] as const;
const blank = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
const clean = (v: string | null | undefined) => (blank(v) ? null : v!.trim().replace(/\s+/g, ' '));

async function findOrCreateCompany(m: EntityManager, actor: Actor, input: CaptureLeadInput): Promise<string | null> {
  const domain = normaliseDomain(input.companyDomain ?? null);
  const name = clean(input.companyName);
  if (!domain && !name) return null;
  const companies = tenantRepository(m, Company, actor.tenantId);
  if (domain) {
    // ON CONFLICT keeps two concurrent captures for one new domain from making two companies.
    await m.query(
      `INSERT INTO companies (tenant_id, name, domain, industry, size) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, domain) WHERE domain IS NOT NULL DO NOTHING`,
      [actor.tenantId, name ?? domain, domain, clean(input.industry), input.companySize ?? null],
    );
    return (await companies.findOne({ domain }))!.id;
  }
  const byName = await companies.query('c').andWhere('lower(c.name) = lower(:name)', { name }).getOne();
  if (byName) return byName.id;
  const created = await companies.save(companies.create({ name: name!, industry: clean(input.industry), size: input.companySize ?? null }));
  return created.id;
}

function validateCapture(input: CaptureLeadInput) {
  const nonNegativeInt = (v: number | null | undefined, field: string) => {
    if (v !== undefined && v !== null && (!Number.isInteger(v) || v < 0)) throw badInput(field, `${field} must be a non-negative integer`);
  };
  nonNegativeInt(input.companySize, 'companySize');
  nonNegativeInt(input.budget, 'budget');
  if (input.country && !/^[A-Za-z]{2}$/.test(input.country.trim())) throw badInput('country', 'country must be an ISO 3166 alpha-2 code');
  if (input.campaignId) requireUuid(input.campaignId, 'campaignId');
  const limits: Array<[keyof CaptureLeadInput, number]> = [
    ['firstName', 100],
    ['lastName', 100],
    ['jobTitle', 150],
    ['phone', 50],
    ['source', 50],
    ['companyName', 200],
    ['industry', 100],
  ];
  for (const [field, max] of limits) {
    const v = input[field];
    if (typeof v !== 'string') continue;
    // Measured as stored: cleaned, and lower-cased for source ('İ' lower-cases to two characters).
    const stored = field === 'source' ? clean(v)?.toLowerCase() : clean(v);
    if (stored && characterLength(stored) > max) throw badInput(field, `${field} must be at most ${max} characters`);
  }
  if (!blank(input.companyDomain) && !normaliseDomain(input.companyDomain)) {
    throw badInput('companyDomain', 'companyDomain is not a valid domain (at most 253 characters of letters, digits, hyphens and dots)');
  }
}

/** The referrer must be a contact of the tenant (NOT_FOUND naming referrerId otherwise). */
async function knownReferrer(m: EntityManager, tenantId: string, referrerId: string | null | undefined): Promise<string | null> {
  if (referrerId === null || referrerId === undefined) return null;
  const id = requireUuid(referrerId, 'referrerId');
  if (!(await tenantRepository(m, Contact, tenantId).count({ id }))) throw notFound('Contact', id, 'referrerId');
  return id;
}

/**
 * captureLead: same email + tenant = same contact; fill empty fields, never blank a set one;
 * every capture is recorded as a touch. A first capture starts at LEAD (VISITOR for tracking-only sources).
 */
export async function captureLead(m: EntityManager, actor: Actor, input: CaptureLeadInput): Promise<Contact> {
  const email = normaliseEmail(input.email ?? '');
  if (!email.ok) throw badInput('email', email.message);
  validateCapture(input);
  // Serialise captures of one address so two concurrent first captures make one contact.
  await advisoryXactLock(m, actor.tenantId, email.email);
  const contacts = tenantRepository(m, Contact, actor.tenantId);
  const companyId = await findOrCreateCompany(m, actor, input);
  const source = clean(input.source)?.toLowerCase() ?? null;
  const incoming = {
    firstName: clean(input.firstName),
    lastName: clean(input.lastName),
    jobTitle: clean(input.jobTitle),
    phone: clean(input.phone),
    source,
    companyId,
    country: clean(input.country)?.toUpperCase() ?? null,
    budget: input.budget ?? null,
  };
  const referrerId = await knownReferrer(m, actor.tenantId, input.referrerId);
  let contact = await contacts.findOneForUpdate({ email: email.email });
  if (contact) {
    const changed = PROFILE_FIELDS.filter((f) => blank(contact![f]) && !blank(incoming[f]));
    if (changed.length) {
      for (const f of changed) (contact as unknown as Record<string, unknown>)[f] = incoming[f];
      contact = await contacts.save(contact);
      await emit(m, {
        type: 'contact.updated',
        tenantId: actor.tenantId,
        aggregateId: contact.id,
        actor: actor.userId,
        data: { changedFields: [...changed], values: Object.fromEntries(changed.map((f) => [f, incoming[f]])) },
      });
    }
    // A visitor who now identifies through a form or the API becomes a lead.
    if (contact.lifecycleStage === 'VISITOR' && source && !VISITOR_SOURCES.has(source)) {
      contact.lifecycleStage = 'LEAD';
      contact = await contacts.save(contact);
      await recordStageChange(m, actor, contact, 'VISITOR', 'LEAD', `identified (${source})`, 'API');
    }
  } else {
    const stage = source && VISITOR_SOURCES.has(source) ? 'VISITOR' : 'LEAD';
    contact = await contacts.save(
      contacts.create({ email: email.email, ...incoming, lifecycleStage: stage, score: 0, ownerId: null, referrerId }),
    );
    const company = companyId ? await tenantRepository(m, Company, actor.tenantId).findOne({ id: companyId }) : null;
    await emit(m, {
      type: 'contact.created',
      tenantId: actor.tenantId,
      aggregateId: contact.id,
      actor: actor.userId,
      data: {
        email: contact.email,
        firstName: contact.firstName,
        lastName: contact.lastName,
        lifecycleStage: stage,
        source: contact.source,
        ownerId: contact.ownerId,
        companyId: contact.companyId,
        industry: company?.industry ?? null,
        companySize: company?.size ?? null,
        score: contact.score,
        referrerId: contact.referrerId,
      },
    });
    await recordStageChange(m, actor, contact, null, stage, 'captured', 'API');
    contact = await assignOwnerIfDue(m, actor, contact, 'CAPTURE');
  }
  await recordTouch(m, actor.tenantId, contact.id, source, input.campaignId ?? null);
  return source && FORM_SOURCES.has(source) ? addEngagement(m, actor, contact, 'FORM_FILL', new Date()) : rescore(m, actor, contact);
}
