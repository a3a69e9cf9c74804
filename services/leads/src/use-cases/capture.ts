import type { EntityManager } from 'typeorm';
import { emit } from '@crm/events';
import { badInput, requireUuid, tenantRepository } from '@crm/service-kit';
import { Company, Contact } from '../entities';
import { normaliseDomain, normaliseEmail } from '../domain/dedupe';
import type { Actor } from './actor';
import { recordStageChange } from './lifecycle';

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
  source?: string | null;
  campaignId?: string | null;
}

const PROFILE_FIELDS = ['firstName', 'lastName', 'jobTitle', 'phone', 'source', 'companyId'] as const;
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

/** captureLead: same email + tenant = same contact; fill empty fields, never blank a set one. */
export async function captureLead(m: EntityManager, actor: Actor, input: CaptureLeadInput): Promise<Contact> {
  const email = normaliseEmail(input.email ?? '');
  if (!email.ok) throw badInput('email', email.message);
  if (input.companySize !== undefined && input.companySize !== null && (!Number.isInteger(input.companySize) || input.companySize < 0)) {
    throw badInput('companySize', 'companySize must be a non-negative integer');
  }
  if (input.campaignId) requireUuid(input.campaignId, 'campaignId');
  // Serialise captures of one address so two concurrent first captures make one contact.
  await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${actor.tenantId}:${email.email}`]);
  const contacts = tenantRepository(m, Contact, actor.tenantId);
  const companyId = await findOrCreateCompany(m, actor, input);
  const incoming = {
    firstName: clean(input.firstName), lastName: clean(input.lastName), jobTitle: clean(input.jobTitle),
    phone: clean(input.phone), source: clean(input.source), companyId,
  };
  const existing = await contacts.findOne({ email: email.email });
  if (existing) {
    const changed = PROFILE_FIELDS.filter((f) => blank(existing[f]) && !blank(incoming[f]));
    if (!changed.length) return existing;
    for (const f of changed) (existing as unknown as Record<string, unknown>)[f] = incoming[f];
    const saved = await contacts.save(existing);
    await emit(m, {
      type: 'contact.updated', tenantId: actor.tenantId, aggregateId: saved.id, actor: actor.userId,
      data: { changedFields: [...changed], values: Object.fromEntries(changed.map((f) => [f, incoming[f]])) },
    });
    return saved;
  }
  const contact = await contacts.save(contacts.create({ email: email.email, ...incoming, lifecycleStage: 'LEAD', score: 0, ownerId: null }));
  await emit(m, {
    type: 'contact.created', tenantId: actor.tenantId, aggregateId: contact.id, actor: actor.userId,
    data: {
      email: contact.email, firstName: contact.firstName, lastName: contact.lastName, lifecycleStage: 'LEAD',
      source: contact.source, ownerId: contact.ownerId, companyId: contact.companyId,
    },
  });
  await recordStageChange(m, actor, contact, null, 'LEAD', 'captured', 'API');
  return contact;
}
