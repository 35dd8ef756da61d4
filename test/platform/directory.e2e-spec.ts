import { ok } from '../support/factories';
import { createTestApp, type TestApp } from '../support/test-app';

describe('The directory of states and agencies', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('should list the demo states with their legal system and languages', async () => {
    const states = ok(await (await t.as('de.officer')).GET('/v1/states'));
    expect(states.map((state) => state.code)).toEqual(['DE', 'FR', 'VN']);
    expect(states.find((state) => state.code === 'VN')).toEqual({
      code: 'VN',
      name: 'Viet Nam',
      legalSystem: 'civil_law',
      languages: ['vi', 'en'],
    });
  });

  it('should filter agencies by state and kind', async () => {
    const client = await t.as('admin');
    const french = ok(await client.GET('/v1/agencies', { params: { query: { stateCode: 'FR' } } }));
    expect(french.map((agency) => agency.code)).toEqual(['FR-247', 'FR-CA', 'FR-OFAC']);
    const centralAuthorities = ok(
      await client.GET('/v1/agencies', { params: { query: { kind: 'central_authority' } } }),
    );
    expect(centralAuthorities.map((agency) => [agency.code, agency.stateCode, agency.timeZone])).toEqual([
      ['FR-CA', 'FR', 'Europe/Paris'],
      ['VN-CA', 'VN', 'Asia/Ho_Chi_Minh'],
    ]);
    const bad = await client.GET('/v1/agencies', { params: { query: { stateCode: 'france' } } });
    expect(bad.response.status).toBe(400);
    expect(bad.error).toMatchObject({ details: [{ field: 'stateCode' }] });
  });

  it('should not serve the directory without a token', async () => {
    expect((await t.anonymous.GET('/v1/states')).response.status).toBe(401);
  });
});
