import DataLoader from 'dataloader';
import type { EntityManager } from 'typeorm';
import {
  Connection,
  decodeCursor,
  distinctUuids as valid,
  encodeCursor,
  getManyWithValues,
  pageSize,
  rowsById as byId,
  rowsGroupedBy as groupBy,
  tenantRepository,
} from '@crm/service-kit';
import { SurveyResponse, Ticket, TicketComment } from './entities';
import { BusinessCalendar, OPEN_STATUSES, TicketStatus } from './domain';
import { loadCalendar } from './use-cases/settings';

/** A page of one contact's tickets: every contact of a list shares status, first and after. */
export interface ContactTicketsKey {
  contactId: string;
  status: TicketStatus | null;
  first: number;
  after: string | null;
  /** The query selects totalCount: a first page counts in its own statement. */
  countWithPage?: boolean;
}
/** Ticket counts per contact: of one status, or of all open ones (NEW, OPEN, PENDING). */
type CountKey = { contactId: string; status: TicketStatus | 'OPEN_SET' | null };

const keyOf = (k: ContactTicketsKey) => `${k.contactId}|${k.status}|${k.first}|${k.after}|${!!k.countWithPage}`;

/**
 * Per-request batch loaders, all tenant-scoped: a list of any number of contacts (or the
 * `_entities` of them) costs one statement per field, never one per contact.
 */
export function createLoaders(m: EntityManager, tenantId: string) {
  const tickets = () => tenantRepository(m, Ticket, tenantId).query('t');

  const countOfContact = (status: TicketStatus | null) =>
    `(SELECT count(*) FROM tickets y WHERE y.tenant_id = :__tenant AND y.contact_id = t.contact_id${status ? ' AND y.status = :status' : ''})`;

  /** Each contact's page in ONE statement: rank per contact, keep rank <= first + 1 (hasNextPage). */
  async function pagesOf(keys: readonly ContactTicketsKey[]): Promise<Array<Connection<Ticket>>> {
    const { status, first, after } = keys[0];
    const ids = valid(keys.map((k) => k.contactId));
    const cursor = after ? decodeCursor(after) : null;
    const qb = tickets()
      .andWhere('t.contact_id = ANY(:ids)', { ids })
      .andWhere(
        `t.id IN (SELECT r.id FROM (
         SELECT x.id, row_number() OVER (PARTITION BY x.contact_id ORDER BY x.created_at DESC, x.id DESC) AS rn
           FROM tickets x
          WHERE x.tenant_id = :__tenant AND x.contact_id = ANY(:ids)
            ${status ? 'AND x.status = :status' : ''}
            ${cursor ? 'AND (x.created_at, x.id) < (:cursorAt, :cursorId)' : ''}) r
        WHERE r.rn <= :limit)`,
        { status, cursorAt: cursor?.at, cursorId: cursor?.id, limit: first + 1 },
      );
    qb.orderBy('t.created_at', 'DESC').addOrderBy('t.id', 'DESC');
    // A first page and its count in one statement: each row carries its contact's count (same
    // conditions, no cursor); a contact with no row has none. After a cursor, the count's own statement.
    const together = keys[0].countWithPage && !cursor ? await getManyWithValues(qb, { __total: countOfContact(status) }) : undefined;
    const totals = new Map(together?.raw.map((r, i) => [together.entities[i].contactId, Number(r.__total)]));
    const rows = together?.entities ?? (await qb.getMany());
    return groupBy(
      keys.map((k) => k.contactId),
      rows,
      (t) => t.contactId,
    ).map((list, i) => {
      const page = list.slice(0, first);
      const edges = page.map((node) => ({ node, cursor: encodeCursor({ at: node.createdAt.toISOString(), id: node.id }) }));
      const key = keys[i];
      return {
        edges,
        pageInfo: { hasNextPage: list.length > first, endCursor: edges.at(-1)?.cursor ?? null },
        totalCount: together
          ? () => totals.get(key.contactId.toLowerCase()) ?? 0
          : () => counts.load({ contactId: key.contactId, status: key.status }),
      };
    });
  }

  const counts = new DataLoader<CountKey, number, string>(
    async (keys) => {
      const out = new Map<string, number>();
      const sets = new Map<string, CountKey[]>();
      for (const k of keys) sets.set(String(k.status), [...(sets.get(String(k.status)) ?? []), k]);
      for (const group of sets.values()) {
        const status = group[0].status;
        const qb = tickets()
          .select('t.contact_id', 'contactId')
          .addSelect('count(*)::int', 'n')
          .andWhere('t.contact_id = ANY(:ids)', { ids: valid(group.map((k) => k.contactId)) })
          .groupBy('t.contact_id');
        if (status === 'OPEN_SET') qb.andWhere('t.status IN (:...open)', { open: OPEN_STATUSES });
        else if (status) qb.andWhere('t.status = :status', { status });
        const rows: Array<{ contactId: string; n: number }> = await qb.getRawMany();
        const found = new Map(rows.map((r) => [r.contactId, r.n]));
        for (const k of group) out.set(`${k.contactId}|${status}`, found.get(k.contactId.toLowerCase()) ?? 0);
      }
      return keys.map((k) => out.get(`${k.contactId}|${k.status}`) ?? 0);
    },
    { cacheKeyFn: (k) => `${k.contactId}|${k.status}` },
  );

  return {
    ticket: new DataLoader<string, Ticket | null>(async (ids) =>
      byId(
        ids,
        await tickets()
          .andWhere('t.id = ANY(:ids)', { ids: valid(ids) })
          .getMany(),
      ),
    ),
    commentsOfTicket: new DataLoader<string, TicketComment[]>(async (ids) => {
      const rows = await tenantRepository(m, TicketComment, tenantId)
        .query('c')
        .andWhere('c.ticket_id = ANY(:ids)', { ids: valid(ids) })
        .orderBy('c.created_at', 'ASC')
        .addOrderBy('c.id', 'ASC')
        .getMany();
      return groupBy(ids, rows, (c) => c.ticketId);
    }),
    ticketsOfContact: new DataLoader<ContactTicketsKey, Connection<Ticket>, string>(
      async (keys) => {
        // One statement per distinct (status, first, after): one for a list of contacts.
        const results = new Map<string, Connection<Ticket>>();
        const sets = new Map<string, ContactTicketsKey[]>();
        for (const k of keys) {
          const s = `${k.status}|${k.first}|${k.after}`;
          sets.set(s, [...(sets.get(s) ?? []), k]);
        }
        for (const group of sets.values()) (await pagesOf(group)).forEach((c, i) => results.set(keyOf(group[i]), c));
        return keys.map((k) => results.get(keyOf(k))!);
      },
      { cacheKeyFn: keyOf },
    ),
    ticketCount: counts,
    latestNps: new DataLoader<string, SurveyResponse | null>(async (ids) => {
      const rows = await tenantRepository(m, SurveyResponse, tenantId)
        .query('s')
        .andWhere('s.contact_id = ANY(:ids)', { ids: valid(ids) })
        .andWhere(`s.kind = 'NPS'`)
        .distinctOn(['s.contact_id'])
        .orderBy('s.contact_id')
        .addOrderBy('s.responded_at', 'DESC')
        .addOrderBy('s.id', 'DESC')
        .getMany();
      return groupBy(ids, rows, (s) => s.contactId).map((list) => list[0] ?? null);
    }),
    /** The tenant's business hours, read once per request and only when a figure needs them. */
    calendar: new DataLoader<string, BusinessCalendar>(async (keys) => {
      const cal = await loadCalendar(m, tenantId);
      return keys.map(() => cal);
    }),
  };
}
export type Loaders = ReturnType<typeof createLoaders>;

/** `first` of a nested list: 1..100, default 20 (like every connection). */
export const nestedFirst = (first: number | null | undefined) => pageSize(first);
