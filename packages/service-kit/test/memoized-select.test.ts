import { Column, CreateDateColumn, Entity, PrimaryColumn, SelectQueryBuilder } from 'typeorm';
import { openDatabase, paginate, tenantRepository } from '@crm/service-kit';
import { testDatabase } from '@crm/testing';
import { rememberedShapes, selectShape } from '../src/memoized-select';

// A plain select's SQL is written once per shape (packages/service-kit/src/memoized-select.ts):
// the same shape gets the text TypeORM writes, another shape its own, and anything not plain is
// written by TypeORM every time.

@Entity('memo_notes')
class Note {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'varchar' }) tenantId!: string;
  @Column({ type: 'varchar' }) title!: string;
  @Column({ type: 'int' }) rank!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt!: Date;
}

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('remembered select texts', () => {
  const database = testDatabase('kit_memo');
  let db: Awaited<ReturnType<typeof openDatabase>>;
  beforeAll(async () => {
    db = await openDatabase({ url: database.url, entities: [Note], migrations: [] });
    await db.query(`CREATE TABLE memo_notes (id uuid PRIMARY KEY, tenant_id varchar NOT NULL, title varchar NOT NULL,
      rank int NOT NULL, created_at timestamptz(3) NOT NULL)`);
    for (let n = 1; n <= 5; n++) {
      await db.query('INSERT INTO memo_notes VALUES ($1, $2, $3, $4, $5)', [
        id(n),
        n <= 4 ? 't' : 'u',
        `Note ${n}`,
        n,
        new Date(Date.UTC(2026, 0, n)),
      ]);
    }
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  const notes = (tenant = 't') => tenantRepository(db.manager, Note, tenant).query('n');
  const typeormText = (qb: SelectQueryBuilder<Note>) => SelectQueryBuilder.prototype.getQuery.call(qb);

  test('the test run checks every reuse against the text TypeORM writes', () => {
    expect(process.env.CRM_CHECK_SQL_MEMO).toBe('1');
  });

  test('the same shape is written once and reused, for any parameters and tenant, and reads the right rows', async () => {
    const ranked = (tenant: string, min: number) => notes(tenant).andWhere('n.rank >= :min', { min }).orderBy('n.rank', 'DESC');
    const first = ranked('t', 2);
    expect(first.getQuery()).toBe(typeormText(first));
    const remembered = rememberedShapes();
    const again = ranked('u', 1);
    expect(again.getQuery()).toBe(typeormText(ranked('u', 1)));
    expect(rememberedShapes()).toBe(remembered);
    ranked('u', 1).orderBy('n.rank', 'ASC').getQuery();
    expect(rememberedShapes()).toBe(remembered + 1);
    expect((await ranked('t', 2).getMany()).map((n) => n.rank)).toEqual([4, 3, 2]);
    expect((await ranked('u', 1).getMany()).map((n) => n.rank)).toEqual([5]);
    expect((await ranked('t', 3).getMany()).map((n) => n.rank)).toEqual([4, 3]);
  });

  test('each difference of shape is a text of its own: conditions, order, limits, selects, joins', () => {
    const shapes = [
      notes(),
      notes().andWhere('n.rank > :r', { r: 1 }),
      notes().andWhere('n.rank < :r', { r: 1 }),
      notes().orWhere('n.rank < :r', { r: 1 }),
      notes().orderBy('n.rank', 'ASC'),
      notes().orderBy('n.rank', 'DESC'),
      notes().orderBy('n.rank', 'DESC', 'NULLS LAST'),
      notes().take(2),
      notes().take(3),
      notes().skip(1).take(3),
      notes().select('count(*)', 'n'),
      notes().select('n.id'),
      notes().withDeleted(),
      notes().comment('why'),
      tenantRepository(db.manager, Note, 't').query('m'),
      notes().innerJoin(Note, 'o', 'o.id = n.id'),
      notes().leftJoin(Note, 'o', 'o.id = n.id'),
      notes().leftJoin(Note, 'o', 'o.rank = n.rank'),
      notes().leftJoin(Note, 'p', 'p.id = n.id'),
      notes().leftJoin(Note, 'o', 'o.id = n.id').addSelect('o'),
      notes().leftJoin(Note, 'o', 'o.id = n.id').leftJoin(Note, 'p', 'p.id = n.id'),
    ];
    for (const qb of shapes) expect(qb.getQuery()).toBe(typeormText(qb));
    const texts = shapes.map((qb) => qb.getQuery());
    const keys = shapes.map((qb) => selectShape(qb.expressionMap));
    expect(new Set(keys).size).toBe(shapes.length);
    // withDeleted changes nothing for an entity without a delete column; every other shape differs.
    expect(new Set(texts).size).toBe(shapes.length - 1);
  });

  test('what is not plain is written by TypeORM every time: joins by table name or subquery, locks, subquery conditions', () => {
    const joined = notes().innerJoin('memo_notes', 'o', 'o.id = n.id');
    const subJoined = notes().leftJoin((qb: SelectQueryBuilder<Note>) => qb.select('x.id', 'id').from(Note, 'x'), 'o', 'o.id = n.id');
    const locked = notes().setLock('pessimistic_write');
    const bracketed = notes().andWhere(
      (qb: SelectQueryBuilder<Note>) => `n.rank IN ${qb.subQuery().select('x.rank').from(Note, 'x').getQuery()}`,
    );
    expect(selectShape(joined.expressionMap)).toBeUndefined();
    expect(selectShape(subJoined.expressionMap)).toBeUndefined();
    expect(selectShape(locked.expressionMap)).toBeUndefined();
    expect(locked.getQuery()).toMatch(/FOR UPDATE$/);
    const before = rememberedShapes();
    joined.getQuery();
    subJoined.getQuery();
    locked.getQuery();
    expect(rememberedShapes()).toBe(before);
    // A function condition becomes its text when added: plain again, and keyed on that text.
    expect(selectShape(bracketed.expressionMap)).toContain('n.rank IN (SELECT');
  });

  test('a joined entity reads the right rows through the remembered text, for each tenant', async () => {
    const ranks = async (tenant: string) =>
      (
        await notes(tenant)
          .leftJoin(Note, 'o', 'o.rank = n.rank + 1 AND o.tenant_id = :__tenant')
          .addSelect('o.rank', 'next')
          .orderBy('n.rank', 'ASC')
          .getRawMany()
      ).map((r: { n_rank: number; next: number | null }) => [r.n_rank, r.next]);
    expect(await ranks('t')).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
      [4, null],
    ]);
    const remembered = rememberedShapes();
    expect(await ranks('u')).toEqual([[5, null]]);
    expect(rememberedShapes()).toBe(remembered);
  });

  test('pages and their counts go through the remembered texts with the right answers', async () => {
    const page = await paginate(notes().andWhere('n.rank >= :min', { min: 1 }), 'n', { first: 2 });
    expect(page.edges.map((e) => e.node.rank)).toEqual([4, 3]);
    expect(await page.totalCount()).toBe(4);
    const next = await paginate(notes().andWhere('n.rank >= :min', { min: 1 }), 'n', { first: 2, after: page.pageInfo.endCursor });
    expect(next.edges.map((e) => e.node.rank)).toEqual([2, 1]);
    expect(next.pageInfo.hasNextPage).toBe(false);
    expect(await next.totalCount()).toBe(4);
  });
});
