import type { ApiClient, Schemas } from '@mla/api-client';
import {
  TYPE_SAMPLES,
  agencyId,
  mlaRequestBody,
  ok,
  typedRequestBody,
  type DetailedType,
} from '../support/factories';
import { createTestApp, type DemoUser, type TestApp } from '../support/test-app';

const TYPES = Object.keys(TYPE_SAMPLES) as DetailedType[];

const fieldsOf = (error: unknown): string[] =>
  ((error as { details?: Array<{ field: string }> } | undefined)?.details ?? []).map((entry) => entry.field);

/** A copy of `value` without the field at a dotted path such as `provider.address`. */
function without(value: Record<string, unknown>, path: string): Record<string, unknown> {
  const copy = structuredClone(value);
  const segments = path.split('.');
  const last = segments.pop()!;
  let at: Record<string, unknown> = copy;
  for (const segment of segments) at = at[segment] as Record<string, unknown>;
  delete at[last];
  return copy;
}

/**
 * The request types of domain.md §5.3-§5.14: each is created with its own fields (`details`), read
 * back with the UTC of its zoned times, edited as a draft, and refused with the name of every field
 * its legal basis's profile makes mandatory when one is missing, or of every field of the wrong shape.
 */
describe('Request types with their own fields', () => {
  let t: TestApp;
  let officer: ApiClient;
  const agencies: Record<string, string> = {};
  const mandatory = new Map<DetailedType, string[]>();

  beforeAll(async () => {
    t = await createTestApp();
    officer = await t.as('vn.officer');
    for (const code of ['FR-CA', 'FR-247']) agencies[code] = await agencyId(officer, code);
    for (const type of TYPES) {
      const profile = ok(
        await officer.GET('/v1/profiles/{legalBasis}', {
          params: { path: { legalBasis: TYPE_SAMPLES[type].legalBasis }, query: {} },
        }),
      );
      const rules = profile.requestTypes[type];
      if (!rules) throw new Error(`${TYPE_SAMPLES[type].legalBasis} has no ${type} entry`);
      mandatory.set(
        type,
        rules.mandatoryFields.filter((field) => field.startsWith('details.')),
      );
    }
  });
  afterAll(() => t?.close());

  // One login per user for the whole suite: password hashing is the slow part of a login.
  const clients = new Map<DemoUser, Promise<ApiClient>>();
  const client = (user: DemoUser): Promise<ApiClient> => {
    if (!clients.has(user)) clients.set(user, t.as(user));
    return clients.get(user)!;
  };
  const body = (type: DetailedType, overrides: Partial<Schemas['CreateRequestDto']> = {}) =>
    typedRequestBody(type, agencies[TYPE_SAMPLES[type].to], overrides);
  const create = (requestBody: unknown) =>
    officer.POST('/v1/requests', { body: requestBody as Schemas['CreateRequestDto'] });
  const patch = (id: string, version: number, changes: unknown) =>
    officer.PATCH('/v1/requests/{id}', {
      params: { path: { id }, header: { 'If-Match': `"${version}"` } },
      body: changes as Schemas['UpdateRequestDto'],
    });

  it.each(TYPES)('should create a %s request and read it back with its own fields', async (type) => {
    const created = ok(await create(body(type)));
    expect(created).toMatchObject({ type, status: 'draft', preservation: null });
    expect(created.details).toMatchObject(TYPE_SAMPLES[type].details);
    const read = ok(await officer.GET('/v1/requests/{id}', { params: { path: { id: created.id } } }));
    expect(read.details).toEqual(created.details);
    expect(mandatory.get(type)!.length).toBeGreaterThan(0);
  });

  it('should derive the UTC instant of every zoned time in the details, and keep it through an edit', async () => {
    const realtime = ok(await create(body('realtime_traffic')));
    const period = (realtime.details as Schemas['RealtimeTrafficDetailsViewDto']).collectionPeriod;
    // Paris is on summer time (UTC+2) in April and May 2026.
    expect(period).toEqual({
      from: { local: '2026-04-01T00:00:00', timeZone: 'Europe/Paris', utc: '2026-03-31T22:00:00.000Z' },
      to: { local: '2026-04-30T23:59:59', timeZone: 'Europe/Paris', utc: '2026-04-30T21:59:59.000Z' },
    });
    const hearing = ok(await create(body('video_hearing')));
    expect((hearing.details as Schemas['VideoHearingDetailsViewDto']).proposedAt).toEqual({
      local: '2026-05-12T09:30:00',
      timeZone: 'Europe/Paris',
      utc: '2026-05-12T07:30:00.000Z',
    });
    // An edit of another field leaves the stored details, UTC included, as they were.
    const edited = ok(await patch(realtime.id, realtime.version, { title: 'Live collection, renamed' }));
    expect(edited.details).toEqual(realtime.details);

    const reversed = await create(
      body('realtime_traffic', {
        details: {
          ...TYPE_SAMPLES.realtime_traffic.details,
          collectionPeriod: {
            from: { local: '2026-05-01T00:00:00', timeZone: 'Europe/Paris' },
            to: { local: '2026-04-01T00:00:00', timeZone: 'Europe/Paris' },
          },
        } as Schemas['CreateRequestDto']['details'],
      }),
    );
    expect(fieldsOf(reversed.error)).toEqual(['details.collectionPeriod']);
  });

  it.each(TYPES)(
    'should replace the details of a %s draft by PATCH, checked against its type',
    async (type) => {
      const created = ok(await create(body(type)));
      // A free-text field (enumerated values and codes have no spaces).
      const [field] = Object.entries(TYPE_SAMPLES[type].details).find(
        ([, value]) => typeof value === 'string' && value.includes(' '),
      )!;
      const details = { ...TYPE_SAMPLES[type].details, [field]: 'Edited by the author' };
      const edited = ok(await patch(created.id, created.version, { details }));
      expect(edited.version).toBe(created.version + 1);
      expect(edited.details).toMatchObject(details);

      const wrong = await patch(created.id, edited.version, { details: { ...details, notAField: 'x' } });
      expect(wrong.response.status).toBe(400);
      expect(fieldsOf(wrong.error)).toEqual(['details.notAField']);
    },
  );

  it.each(TYPES)(
    'should refuse a %s request missing any field its profile makes mandatory, naming it',
    async (type) => {
      for (const path of mandatory.get(type)!) {
        const details = without(TYPE_SAMPLES[type].details, path.slice('details.'.length));
        const { response, error } = await create(
          body(type, { details: details as Schemas['CreateRequestDto']['details'] }),
        );
        expect({ path, status: response.status }).toEqual({ path, status: 400 });
        expect(fieldsOf(error)).toEqual([path]);
        // A nested required value (a provider's name) is the DTO's to name; the rest the profile's.
        if (path.split('.').length === 2) expect(error?.message).toMatch(/profile requires/);
      }
    },
  );

  it.each(TYPES)(
    'should stop a %s request missing a mandatory field at submission and transmission, naming it',
    async (type) => {
      // The API never saves a draft without them; a row changed behind its back is still stopped.
      const path = mandatory.get(type)!.find((candidate) => candidate.split('.').length === 2)!;
      const field = path.split('.')[1];
      const drop = (id: string) =>
        t.dataSource.query(
          `UPDATE "cooperation_request" SET "details" = "details" - $2::text WHERE "id" = $1`,
          [id, field],
        );
      const fire = async (user: 'vn.officer' | 'vn.supervisor' | 'vn.central', id: string, action: string) =>
        (await client(user)).POST('/v1/requests/{id}/transitions', {
          params: { path: { id } },
          body: { action } as Schemas['TransitionDto'],
        });

      const draft = ok(await create(body(type)));
      await drop(draft.id);
      const submitted = await fire('vn.officer', draft.id, 'submit');
      expect(submitted.response.status).toBe(400);
      expect(fieldsOf(submitted.error)).toEqual([`details.${field}`]);

      const approved = ok(await create(body(type)));
      ok(await fire('vn.officer', approved.id, 'submit'));
      ok(await fire('vn.supervisor', approved.id, 'approve'));
      await drop(approved.id);
      const transmitted = await fire('vn.central', approved.id, 'transmit');
      expect(transmitted.response.status).toBe(400);
      expect(fieldsOf(transmitted.error)).toEqual([`details.${field}`]);
    },
  );

  it.each<[string, DetailedType | 'mla_general', unknown, string[]]>([
    [
      'an unknown form of production',
      'stored_data_access',
      { ...TYPE_SAMPLES.stored_data_access.details, formOfProduction: 'photocopy' },
      ['details.formOfProduction'],
    ],
    ['a string', 'stored_data_access', 'everything', ['details']],
    ['a list', 'interception', [TYPE_SAMPLES.interception.details], ['details']],
    [
      'another type’s fields',
      'stored_data_access',
      TYPE_SAMPLES.interception.details,
      ['details.subject', 'details.durationDays', 'details.technicalData', 'details.relevance'],
    ],
    [
      'a zoned time without its zone',
      'video_hearing',
      { ...TYPE_SAMPLES.video_hearing.details, proposedAt: { local: '2026-05-12T09:30:00' } },
      ['details.proposedAt.timeZone'],
    ],
    [
      'a nested list element of the wrong shape',
      'spontaneous_information',
      { summary: 'x', proposedConditions: [{ type: 'cond_unheard_of', text: 'x' }] },
      ['details.proposedConditions[0].type'],
    ],
    [
      'a duration that is not a whole number of days',
      'interception',
      { ...TYPE_SAMPLES.interception.details, durationDays: '30' },
      ['details.durationDays'],
    ],
    ['details on a general MLA request', 'mla_general', { summary: 'x' }, ['details']],
  ])('should answer 400, never 500, for details that are %s', async (_name, type, details, fields) => {
    const requestBody =
      type === 'mla_general'
        ? mlaRequestBody(agencies['FR-CA'], { details: details as Schemas['CreateRequestDto']['details'] })
        : body(type, { details: details as Schemas['CreateRequestDto']['details'] });
    const { response, error } = await create(requestBody);
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ code: 'validation.failed' });
    expect(fieldsOf(error)).toEqual(fields);
  });

  it('should refuse a type without its details, a type its legal basis does not provide for, and the wrong kind of agency', async () => {
    const { details: _none, ...bare } = body('search_seizure');
    expect(fieldsOf((await create(bare)).error)).toEqual(['details']);
    expect(fieldsOf((await create(body('subscriber_direct', { legalBasis: 'uncc' }))).error)).toEqual([
      'legalBasis',
    ]);
    expect(
      fieldsOf((await create(body('stored_data_access', { requestedAgencyId: agencies['FR-247'] }))).error),
    ).toEqual(['requestedAgencyId']);
    // A 24/7 point or a central authority receives an emergency disclosure.
    ok(await create(body('emergency_disclosure', { requestedAgencyId: agencies['FR-CA'] })));
  });
});
