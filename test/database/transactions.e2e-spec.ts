import { AgencyEntity } from '../../src/modules/directory/agency.entity';
import { StateEntity } from '../../src/modules/directory/state.entity';
import { createTestApp, type TestApp } from '../support/test-app';

describe('Transactions on the running engine', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('should keep 50 concurrent transactions apart: the 40 valid commit whole, the 10 invalid roll back alone', async () => {
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const valid = [...letters]
      .map((letter) => `A${letter}`)
      .concat([...letters.slice(0, 14)].map((letter) => `B${letter}`));
    // `x0`… break the CHECK on state.code, in the middle of a transaction that already wrote.
    const codes = valid.flatMap((code, index) => (index % 4 === 0 ? [code, `x${index / 4}`] : [code]));
    expect(codes).toHaveLength(50);

    const outcomes = await Promise.allSettled(
      codes.map((code) =>
        t.dataSource.transaction(async (manager) => {
          const agency = await manager.save(AgencyEntity, {
            code: `CONCURRENT-${code}`,
            name: 'Concurrent agency',
            stateCode: 'FR',
            kind: 'competent_authority',
            timeZone: 'UTC',
          });
          // Yield between statements, as real use cases do, so interleaving would show.
          await manager.query('SELECT pg_sleep(0.002)');
          await manager.insert(StateEntity, {
            code,
            name: `Concurrent ${code}`,
            legalSystem: 'civil_law',
            languages: ['en'],
          });
          return agency.id;
        }),
      ),
    );

    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(40);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(10);
    const [{ states }]: Array<{ states: string }> = await t.dataSource.query(
      'SELECT count(*) AS "states" FROM "state" WHERE "name" LIKE \'Concurrent %\'',
    );
    const [{ agencies }]: Array<{ agencies: string }> = await t.dataSource.query(
      'SELECT count(*) AS "agencies" FROM "agency" WHERE "code" LIKE \'CONCURRENT-%\'',
    );
    // A failed transaction took its agency row with it: no half-done change.
    expect({ states: Number(states), agencies: Number(agencies) }).toEqual({ states: 40, agencies: 40 });
    const invalidAgencies: unknown[] = await t.dataSource.query(
      'SELECT 1 FROM "agency" WHERE "code" LIKE \'CONCURRENT-x%\'',
    );
    expect(invalidAgencies).toEqual([]);
  });
});
