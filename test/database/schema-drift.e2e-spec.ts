import { createTestApp, type TestApp } from '../support/test-app';

describe('Schema drift', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  // The entities must describe exactly what the migrations built: otherwise the next generated
  // migration would carry unintended DROPs (the check immich runs as `migration:generate --check`).
  it('should find nothing to change between the migrated database and the entities', async () => {
    const { upQueries } = await t.dataSource.driver.createSchemaBuilder().log();
    expect(upQueries.map((query) => query.query)).toEqual([]);
  });

  it('should have run every migration and nothing else', async () => {
    const rows: Array<{ name: string }> = await t.dataSource.query(
      'SELECT "name" FROM "migrations" ORDER BY "id"',
    );
    expect(rows.map((row) => row.name)).toEqual(t.dataSource.migrations.map((migration) => migration.name));
  });
});
