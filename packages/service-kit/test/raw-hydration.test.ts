import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { openDatabase, tenantRepository } from '@crm/service-kit';
import { testDatabase } from '@crm/testing';

// The raw list path (tenantRepository.query().getMany()) and the raw equality lookup must give
// exactly the entities TypeORM's own getMany / findOne give, for every kind of column.

const cents = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

@Entity('samples')
class Sample {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'varchar' }) tenantId!: string;
  @Column({ type: 'varchar', nullable: true }) name!: string | null;
  @Column({ type: 'boolean' }) active!: boolean;
  @Column({ type: 'numeric' }) ratio!: string;
  @Column({ type: 'bigint', transformer: cents }) amount!: number;
  @Column({ type: 'int', nullable: true }) score!: number | null;
  @Column({ type: 'jsonb' }) data!: Record<string, unknown>;
  @Column({ type: 'text', array: true }) tags!: string[];
  @Column({ type: 'enum', enum: ['A', 'B'] }) kind!: 'A' | 'B';
  @Column({ type: 'date', nullable: true }) day!: string | null;
  @Column({ type: 'simple-json', nullable: true }) extra!: unknown;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

test('raw hydration gives the entities TypeORM gives: transformers, booleans, numerics, json, arrays, enums, dates', async () => {
  const database = testDatabase('kit_hydration');
  const db = await openDatabase({ url: database.url, entities: [Sample], migrations: [] });
  try {
    await db.query(`CREATE TABLE samples (id uuid PRIMARY KEY, tenant_id varchar NOT NULL, name varchar, active boolean NOT NULL,
      ratio numeric NOT NULL, amount bigint NOT NULL, score int, data jsonb NOT NULL, tags text[] NOT NULL, kind text NOT NULL,
      day date, extra text, created_at timestamptz NOT NULL DEFAULT now())`);
    await db.query(`INSERT INTO samples VALUES
      ('00000000-0000-4000-8000-000000000001', 't', 'One', true, 0.25, 12345, 7, '{"a":[1,2]}', '{x,"y z"}', 'A', '2026-02-28', '{"k":1}', '2026-12-01T10:00:00.123Z'),
      ('00000000-0000-4000-8000-000000000002', 't', NULL, false, 1, 0, NULL, '{}', '{}', 'B', NULL, NULL, '2026-12-01T11:00:00Z'),
      ('00000000-0000-4000-8000-000000000003', 'other', 'Hidden', true, 2, 1, 1, '{}', '{}', 'A', NULL, NULL, now())`);
    const fast = await tenantRepository(db.manager, Sample, 't').query('s').orderBy('s.id').getMany();
    const typeorm = await db.getRepository(Sample).createQueryBuilder('s').where('s.tenant_id = :t', { t: 't' }).orderBy('s.id').getMany();
    expect(fast).toEqual(typeorm);
    expect(fast.map((s) => s instanceof Sample)).toEqual([true, true]);
    expect(fast[0]).toMatchObject({ amount: 12345, active: true, ratio: '0.25', tags: ['x', 'y z'], day: '2026-02-28', extra: { k: 1 } });
    expect(fast[0].createdAt).toEqual(new Date('2026-12-01T10:00:00.123Z'));

    const one = await tenantRepository(db.manager, Sample, 't').findOne({ id: '00000000-0000-4000-8000-000000000002' });
    expect(one).toEqual(await db.getRepository(Sample).findOneBy({ id: '00000000-0000-4000-8000-000000000002' }));
    expect(one).toBeInstanceOf(Sample);
    expect(await tenantRepository(db.manager, Sample, 't').findOne({ id: '00000000-0000-4000-8000-000000000003' })).toBeNull();
  } finally {
    await db.destroy();
    await database.drop();
  }
});
