import { openDatabase } from '@crm/service-kit';
import { testDatabase } from '@crm/testing';

test('parameterized statements run as named prepared statements, once parsed per connection, with the same results', async () => {
  const database = testDatabase('kit_prepared');
  const db = await openDatabase({ url: database.url, entities: [], migrations: [], poolSize: 1 });
  try {
    await db.query('CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
    await db.query('INSERT INTO notes VALUES (1, $1), (2, $2)', ['one', 'two']);
    const read = (id: number) => db.query('SELECT body FROM notes WHERE id = $1', [id]);
    expect(await read(1)).toEqual([{ body: 'one' }]);
    expect(await read(2)).toEqual([{ body: 'two' }]);
    expect(await read(3)).toEqual([]);
    // One connection: the statement is prepared once on it and reused.
    const prepared: Array<{ statement: string }> = await db.query(
      "SELECT statement FROM pg_prepared_statements WHERE statement LIKE 'SELECT body FROM notes%'",
    );
    expect(prepared).toEqual([{ statement: 'SELECT body FROM notes WHERE id = $1' }]);
    // A bad value is still the server's error, and the connection goes on.
    await expect(db.query('SELECT body FROM notes WHERE id = $1', ['x'])).rejects.toThrow(/invalid input syntax/);
    expect(await read(1)).toEqual([{ body: 'one' }]);
    // Statements without parameters are sent as before (not prepared).
    await db.query('SELECT count(*) FROM notes');
    expect(
      (await db.query("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE 'SELECT count(*) FROM notes%'"))[0].n,
    ).toBe(0);
  } finally {
    await db.destroy();
    await database.drop();
  }
});
