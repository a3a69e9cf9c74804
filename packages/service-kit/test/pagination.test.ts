import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { parse, OperationDefinitionNode, FieldNode } from 'graphql';
import { openDatabase, pageArgs, paginate, selectsNodeField, sqlStatements, tenantRepository } from '@crm/service-kit';
import { testDatabase } from '@crm/testing';

// paginate with countWithPage: the page and its totalCount from one statement, equal to the
// page and the count of their own statements, for every page, filtered or not. With lookups: each
// row's joined entity from that same statement, of the page's tenant only.

@Entity('page_notes')
class PageNote {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'varchar' }) tenantId!: string;
  @Column({ type: 'int' }) rank!: number;
  @Column({ name: 'owner_id', type: 'uuid', nullable: true }) ownerId!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt!: Date;
}

@Entity('page_owners')
class PageOwner {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'varchar' }) tenantId!: string;
  @Column({ type: 'varchar' }) name!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt!: Date;
}

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const ADA = id(101);
const OTHER = id(102);
/** Every third note has no owner; of the rest, half point at another tenant's owner. */
const ownerOf = (n: number) => (n % 3 === 0 ? null : n % 3 === 1 ? ADA : OTHER);
/** The `fieldNodes` a resolver of `contacts` gets for this selection. */
const infoOf = (selection: string) => {
  const op = parse(`{ contacts ${selection} }`).definitions[0] as OperationDefinitionNode;
  return { fieldNodes: [op.selectionSet.selections[0] as FieldNode] };
};

describe('a page counted in its own statement', () => {
  const database = testDatabase('kit_pages');
  let db: Awaited<ReturnType<typeof openDatabase>>;
  const statements = async () => (await sqlStatements.get()).values.find((v) => v.labels.database === database.name)?.value ?? 0;
  beforeAll(async () => {
    db = await openDatabase({ url: database.url, entities: [PageNote, PageOwner], migrations: [] });
    await db.query(`CREATE TABLE page_notes (id uuid PRIMARY KEY, tenant_id varchar NOT NULL, rank int NOT NULL,
      owner_id uuid, created_at timestamptz(3) NOT NULL)`);
    await db.query(`CREATE TABLE page_owners (id uuid PRIMARY KEY, tenant_id varchar NOT NULL, name varchar NOT NULL,
      created_at timestamptz(3) NOT NULL)`);
    await db.query(`INSERT INTO page_owners VALUES ($1, 't', 'Ada', $3), ($2, 'u', 'Other tenant', $3)`, [ADA, OTHER, new Date(0)]);
    for (let n = 1; n <= 7; n++) {
      await db.query('INSERT INTO page_notes VALUES ($1, $2, $3, $4, $5)', [
        id(n),
        n <= 6 ? 't' : 'u',
        n,
        ownerOf(n),
        new Date(Date.UTC(2026, 0, n)),
      ]);
    }
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });
  const notes = (minRank = 0) => tenantRepository(db.manager, PageNote, 't').query('n').andWhere('n.rank >= :minRank', { minRank });

  test('pageArgs asks for it only when totalCount is selected plainly', () => {
    expect(pageArgs({ first: 2 }, infoOf('{ totalCount edges { cursor } }')).countWithPage).toBe(true);
    expect(pageArgs({ first: 2 }, infoOf('{ edges { cursor } }')).countWithPage).toBeUndefined();
    expect(pageArgs({ first: 2 }, infoOf('{ totalCount @skip(if: true) edges { cursor } }')).countWithPage).toBeUndefined();
    expect(pageArgs({ first: 2 }, infoOf('{ ... on ContactConnection { totalCount } }')).countWithPage).toBeUndefined();
    expect(pageArgs({ first: 2 }, undefined)).toEqual({ first: 2 });
  });

  test('every page and count equal the separate statements, in one statement a page', async () => {
    for (const minRank of [0, 3, 99]) {
      let after: string | null = null;
      let pages = 0;
      do {
        const separate = await paginate(notes(minRank), 'n', { first: 2, after });
        const separateTotal = await separate.totalCount();
        const before = await statements();
        const together = await paginate(notes(minRank), 'n', { first: 2, after, countWithPage: true });
        const total = await together.totalCount();
        expect((await statements()) - before).toBe(together.edges.length || !after ? 1 : 2);
        expect(together.edges).toEqual(separate.edges);
        expect(together.pageInfo).toEqual(separate.pageInfo);
        expect(together.edges.every((e) => e.node instanceof PageNote)).toBe(true);
        expect(total).toBe(separateTotal);
        expect(total).toBe(minRank === 0 ? 6 : minRank === 3 ? 4 : 0);
        after = together.pageInfo.hasNextPage ? together.pageInfo.endCursor : null;
        pages++;
      } while (after);
      expect(pages).toBe(minRank === 0 ? 3 : minRank === 3 ? 2 : 1);
    }
  });

  test('a page past the end, asked by a cursor, still counts (in a statement of its own)', async () => {
    const last = await paginate(notes(), 'n', { first: 6 });
    const past = await paginate(notes(), 'n', { first: 2, after: last.pageInfo.endCursor, countWithPage: true });
    expect(past.edges).toEqual([]);
    expect(await past.totalCount()).toBe(6);
  });

  test('selectsNodeField sees a field of edges { node } named plainly', () => {
    expect(selectsNodeField(infoOf('{ edges { node { id owner { name } } } }'), 'owner')).toBe(true);
    expect(selectsNodeField(infoOf('{ edges { node { id } } }'), 'owner')).toBe(false);
    expect(selectsNodeField(infoOf('{ edges { node { owner @include(if: false) { name } } } }'), 'owner')).toBe(false);
    expect(selectsNodeField(infoOf('{ edges { node { ... on Note { owner { name } } } } }'), 'owner')).toBe(false);
    expect(selectsNodeField(infoOf('{ owner edges { cursor } }'), 'owner')).toBe(false);
    expect(selectsNodeField(undefined, 'owner')).toBe(false);
  });

  test("a lookup gives each row its joined entity of the page's tenant, in the page's one statement", async () => {
    for (const countWithPage of [false, true]) {
      let after: string | null = null;
      const seen: Array<[number, string | null]> = [];
      do {
        const plain = await paginate(notes(), 'n', { first: 4, after });
        const found: Array<[PageNote, PageOwner | null]> = [];
        const lookup = {
          entity: PageOwner,
          alias: 'o',
          on: 'o.id = n.owner_id',
          found: (row: PageNote, o: PageOwner | null) => found.push([row, o]),
        };
        const before = await statements();
        const page = await paginate(notes(), 'n', { first: 4, after, countWithPage }, [lookup]);
        if (countWithPage) expect(await page.totalCount()).toBe(6);
        expect((await statements()) - before).toBe(1);
        expect(page.edges).toEqual(plain.edges);
        expect(page.pageInfo).toEqual(plain.pageInfo);
        // Every row read, the one past the page too; another tenant's owner is never joined.
        expect(found.map(([row]) => row.rank)).toEqual(plain.edges.map((e) => e.node.rank).concat(plain.pageInfo.hasNextPage ? [2] : []));
        for (const [row, owner] of found) {
          expect(owner).toEqual(
            row.ownerId === ADA ? Object.assign(new PageOwner(), { id: ADA, tenantId: 't', name: 'Ada', createdAt: new Date(0) }) : null,
          );
          if (owner) expect(owner).toBeInstanceOf(PageOwner);
        }
        page.edges.forEach((e) => seen.push([e.node.rank, found.find(([row]) => row === e.node)![1]?.name ?? null]));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      expect(seen).toEqual([
        [6, null],
        [5, null],
        [4, 'Ada'],
        [3, null],
        [2, null],
        [1, 'Ada'],
      ]);
    }
  });

  test('pageArgs names the columns of the fields selected, when every one is declared', () => {
    const declared = { id: ['id'], rank: ['rank'], owner: ['ownerId'] } as const;
    expect(pageArgs({}, infoOf('{ edges { node { __typename id owner { name } } } }'), declared).columns).toEqual(['id', 'ownerId']);
    expect(pageArgs({}, infoOf('{ totalCount edges { node { rank } } }'), declared)).toEqual({ countWithPage: true, columns: ['rank'] });
    expect(pageArgs({}, infoOf('{ edges { node { rank title } } }'), declared).columns).toBeUndefined();
    expect(pageArgs({}, infoOf('{ edges { node { ... on Note { rank } } } }'), declared).columns).toBeUndefined();
    expect(pageArgs({}, infoOf('{ edges { node { rank @include(if: true) } } }'), declared).columns).toBeUndefined();
    expect(pageArgs({}, infoOf('{ edges { node { constructor } } }'), declared).columns).toBeUndefined();
    expect(pageArgs({}, infoOf('{ edges { node { rank } } }')).columns).toBeUndefined();
  });

  test('a page of some columns reads those, the key and the time, in the same order and pages', async () => {
    const whole = await paginate(notes(), 'n', { first: 4 });
    const before = await statements();
    const some = await paginate(notes(), 'n', { first: 4, columns: ['rank'], countWithPage: true });
    expect((await statements()) - before).toBe(1);
    expect(await some.totalCount()).toBe(6);
    expect(some.pageInfo).toEqual(whole.pageInfo);
    expect(some.edges.map((e) => e.cursor)).toEqual(whole.edges.map((e) => e.cursor));
    for (const [i, e] of some.edges.entries()) {
      expect(e.node).toBeInstanceOf(PageNote);
      expect({ ...e.node }).toEqual({
        id: whole.edges[i].node.id,
        rank: whole.edges[i].node.rank,
        createdAt: whole.edges[i].node.createdAt,
      });
    }
    await expect(paginate(notes(), 'n', { first: 4, columns: ['nope'] })).rejects.toThrow('PageNote has no column nope');
  });
});
