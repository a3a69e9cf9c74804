import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { parse, OperationDefinitionNode, FieldNode } from 'graphql';
import { openDatabase, pageArgs, paginate, sqlStatements, tenantRepository } from '@crm/service-kit';
import { testDatabase } from '@crm/testing';

// paginate with countWithPage: the page and its totalCount from one statement, equal to the
// page and the count of their own statements, for every page, filtered or not.

@Entity('page_notes')
class PageNote {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'varchar' }) tenantId!: string;
  @Column({ type: 'int' }) rank!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt!: Date;
}

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
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
    db = await openDatabase({ url: database.url, entities: [PageNote], migrations: [] });
    await db.query(`CREATE TABLE page_notes (id uuid PRIMARY KEY, tenant_id varchar NOT NULL, rank int NOT NULL,
      created_at timestamptz(3) NOT NULL)`);
    for (let n = 1; n <= 7; n++) {
      await db.query('INSERT INTO page_notes VALUES ($1, $2, $3, $4)', [id(n), n <= 6 ? 't' : 'u', n, new Date(Date.UTC(2026, 0, n))]);
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
});
