import { randomUUID } from 'node:crypto';
import { eventMessage, startTestService, TestService } from '@crm/testing';
import { createService } from '../../src/service';

// What leads publishes and serves for campaigns: referrals, the properties segments need in
// contact.created, and the churn-risk flag as a contact.updated.
let leads: TestService;
beforeAll(async () => {
  leads = await startTestService('leads_referrals', createService);
});
afterAll(() => leads.stop());

const capture = `mutation($input: CaptureLeadInput!) { captureLead(input: $input) { id referrals referredBy { id email } } }`;
const outbox = (id: string, type: string) =>
  leads.service.db.query(`SELECT payload->'data' AS data FROM crm_outbox WHERE message_key = $1 AND event_type = $2 ORDER BY seq`, [
    id,
    type,
  ]);

async function captured(tenantId: string, input: Record<string, unknown>) {
  const res = await leads.call<{ captureLead: Record<string, any> }>(capture, { input }, { tenantId });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.captureLead;
}

test('captureLead records the referrer on the first capture only; referredBy and referrals', async () => {
  const t = 'ref-capture';
  const promoter = await captured(t, { email: 'promoter@ref.example' });
  const other = await captured(t, { email: 'other@ref.example' });
  const friend = await captured(t, { email: 'friend@ref.example', referrerId: promoter.id });
  expect(friend.referredBy).toEqual({ id: promoter.id, email: 'promoter@ref.example' });
  const again = await captured(t, { email: 'friend@ref.example', referrerId: other.id });
  expect(again.referredBy.id).toBe(promoter.id);
  await captured(t, { email: 'friend2@ref.example', referrerId: promoter.id });
  const res = await leads.call(
    `query($ids: [_Any!]!) { _entities(representations: $ids) { ... on Contact { email referrals referredBy { id } } } }`,
    {
      ids: [
        { __typename: 'Contact', id: promoter.id },
        { __typename: 'Contact', id: other.id },
      ],
    },
    { tenantId: t },
  );
  expect(res.data!._entities).toEqual([
    { email: 'promoter@ref.example', referrals: 2, referredBy: null },
    { email: 'other@ref.example', referrals: 0, referredBy: null },
  ]);
  const [created] = await outbox(friend.id, 'contact.created');
  expect(created.data.referrerId).toBe(promoter.id);
});

test('an unknown referrer (or one of another tenant) is NOT_FOUND naming referrerId; a malformed one BAD_USER_INPUT', async () => {
  const stranger = await captured('ref-elsewhere', { email: 'x@ref.example' });
  for (const referrerId of [randomUUID(), stranger.id]) {
    const res = await leads.call(capture, { input: { email: 'new@ref.example', referrerId } }, { tenantId: 'ref-unknown' });
    expect(res.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'referrerId' });
  }
  const bad = await leads.call(capture, { input: { email: 'new@ref.example', referrerId: 'nope' } }, { tenantId: 'ref-unknown' });
  expect(bad.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'referrerId' });
  const none = await leads.service.db.query(`SELECT 1 FROM contacts WHERE tenant_id = 'ref-unknown'`);
  expect(none).toEqual([]);
});

test("contact.created carries the company's industry and size, the score and the referrer", async () => {
  const c = await captured('ref-fields', {
    email: 'fit@ref.example',
    companyName: 'Acme',
    companyDomain: 'acme.example',
    industry: 'Software',
    companySize: 250,
  });
  const [created] = await outbox(c.id, 'contact.created');
  expect(created.data).toMatchObject({ industry: 'Software', companySize: 250, score: 0, referrerId: null });
  const imported = await leads.call(
    `mutation($input: ImportContactsInput!) { importContacts(input: $input) { created } }`,
    { input: { csv: 'email,companyName,industry,companySize\nimp@ref.example,Imp Co,Retail,12\n' } },
    { tenantId: 'ref-fields' },
  );
  expect(imported.errors).toBeUndefined();
  const [row] = await leads.service.db.query(`SELECT id FROM contacts WHERE tenant_id = 'ref-fields' AND email = 'imp@ref.example'`);
  const [importedEvent] = await outbox(row.id, 'contact.created');
  expect(importedEvent.data).toMatchObject({ industry: 'Retail', companySize: 12, score: 0, referrerId: null });
});

test('an NPS answer that flips churnRisk is announced as contact.updated { churnRisk }', async () => {
  const t = 'ref-churn';
  const c = await captured(t, { email: 'cust@ref.example' });
  await leads.call(
    `mutation($input: ChangeLifecycleStageInput!) { changeLifecycleStage(input: $input) { id } }`,
    { input: { contactId: c.id, stage: 'CUSTOMER' } },
    { tenantId: t },
  );
  const nps = (score: number) => eventMessage('survey.responded', t, randomUUID(), { contactId: c.id, kind: 'NPS', score });
  await leads.transport.publish([nps(2)]);
  await leads.transport.publish([nps(3)]); // still a detractor: no change, no event
  await leads.transport.publish([nps(9)]);
  const updates = (await outbox(c.id, 'contact.updated')).map((e: { data: unknown }) => e.data);
  expect(updates).toEqual([
    { changedFields: ['churnRisk'], values: { churnRisk: true } },
    { changedFields: ['churnRisk'], values: { churnRisk: false } },
  ]);
});

test('a merge keeps referrals: the duplicate referred friends now count for the primary', async () => {
  const t = 'ref-merge';
  const primary = await captured(t, { email: 'p@ref.example' });
  const duplicate = await captured(t, { email: 'd@ref.example', referrerId: primary.id });
  await captured(t, { email: 'f1@ref.example', referrerId: duplicate.id });
  const merged = await leads.call(
    `mutation($input: MergeContactsInput!) { mergeContacts(input: $input) { id referrals referredBy { id } } }`,
    { input: { primaryId: primary.id, duplicateId: duplicate.id } },
    { tenantId: t },
  );
  expect(merged.errors).toBeUndefined();
  expect(merged.data!.mergeContacts).toEqual({ id: primary.id, referrals: 1, referredBy: null });
});
