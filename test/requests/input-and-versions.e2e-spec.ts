import {
  agencyId,
  mlaRequestBody,
  ok,
  preservationRequestBody,
  type CreateRequestBody,
} from '../support/factories';
import { createTestApp, type TestApp } from '../support/test-app';

describe('Request input, versions and paging', () => {
  let t: TestApp;
  let frCentralAuthority: string;
  let fr247: string;
  let vnCentralAuthority: string;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp();
    const officer = await t.as('vn.officer');
    frCentralAuthority = await agencyId(officer, 'FR-CA');
    fr247 = await agencyId(officer, 'FR-247');
    vnCentralAuthority = await agencyId(officer, 'VN-CA');
    const login = await fetch(`${t.baseUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'vn.officer', password: 'Demo-Password-2026' }),
    });
    token = ((await login.json()) as { accessToken: string }).accessToken;
  });
  afterAll(() => t?.close());

  async function create(body: unknown) {
    return (await t.as('vn.officer')).POST('/v1/requests', { body: body as CreateRequestBody });
  }

  function fieldsOf(error: unknown): string[] {
    return ((error as { details?: Array<{ field: string }> }).details ?? [])
      .map((detail) => detail.field)
      .sort();
  }

  it.each([
    [
      'an empty body',
      {},
      [
        'assistanceSought',
        'confidentiality',
        'factsSummary',
        'legalBasis',
        'offences',
        'purpose',
        'reference',
        'requestedAgencyId',
        'title',
        'type',
        'urgency',
      ],
    ],
    ['urgency without reasons', { urgency: { level: 'emergency' } }, ['urgency.reasons']],
    [
      'an IP address without its time',
      { targets: [{ type: 'ip_address', value: '203.0.113.7' }] },
      ['targets[0].timestamp'],
    ],
    [
      'a time without a valid zone',
      {
        timeRange: {
          from: { local: '2026-01-01T00:00:00', timeZone: 'Mars/Olympus' },
          to: { local: '2026-01-02T00:00:00', timeZone: 'UTC' },
        },
      },
      ['timeRange.from.timeZone'],
    ],
    [
      'a time with an offset instead of a zone',
      {
        targets: [
          {
            type: 'email',
            value: 'a@example.org',
            timestamp: { local: '2026-01-01T00:00:00+07:00', timeZone: 'Asia/Ho_Chi_Minh' },
          },
        ],
      },
      ['targets[0].timestamp.local'],
    ],
    [
      'a time range that ends before it starts',
      {
        timeRange: {
          from: { local: '2026-02-01T00:00:00', timeZone: 'UTC' },
          to: { local: '2026-01-01T00:00:00', timeZone: 'UTC' },
        },
      },
      ['timeRange'],
    ],
    ['an unknown legal basis', { legalBasis: 'gentlemen_agreement' }, ['legalBasis']],
    ['no offence', { offences: [] }, ['offences']],
    ['an unknown field', { secretField: 'x' }, ['secretField']],
    ['null for a mandatory field', { title: null }, ['title']],
    [
      'an MLA request with no measure',
      { assistanceSought: { measures: [], description: 'x' } },
      ['assistanceSought.measures'],
    ],
    ['an agency of the requesting state', { requestedAgencyId: 'VN-CA' }, ['requestedAgencyId']],
    [
      'an agency that is not in the directory',
      { requestedAgencyId: '00000000-0000-4000-8000-000000000000' },
      ['requestedAgencyId'],
    ],
    ['an MLA request to a 24/7 point', { requestedAgencyId: 'FR-247' }, ['requestedAgencyId']],
  ])('should answer 400 with field details for %s', async (_name, overrides, fields) => {
    const ids: Record<string, string> = { 'VN-CA': vnCentralAuthority, 'FR-247': fr247 };
    const patch = { ...overrides } as Record<string, unknown>;
    if (typeof patch.requestedAgencyId === 'string' && ids[patch.requestedAgencyId])
      patch.requestedAgencyId = ids[patch.requestedAgencyId];
    const body =
      Object.keys(overrides).length === 0 ? {} : { ...mlaRequestBody(frCentralAuthority), ...patch };
    const { response, error } = await create(body);
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ statusCode: 400, code: 'validation.failed' });
    expect(fieldsOf(error)).toEqual(fields);
    expect(typeof error?.correlationId).toBe('string');
  });

  it('should take a preservation request to a 24/7 point, and refuse one without its mandatory details', async () => {
    const created = ok(await create(preservationRequestBody(fr247)));
    expect(created).toMatchObject({
      type: 'preservation',
      status: 'draft',
      preservation: { intentToRequestMla: true },
    });

    const { preservation: _omitted, ...withoutDetails } = preservationRequestBody(fr247);
    expect(fieldsOf((await create({ ...withoutDetails, targets: [] })).error)).toEqual(['preservation']);
    // What else a preservation request needs is its legal basis's profile's to say.
    const { timeRange: _noRange, ...noRange } = preservationRequestBody(fr247);
    const incomplete = await create({ ...noRange, targets: [] });
    expect(fieldsOf(incomplete.error)).toEqual(['targets', 'timeRange']);
    expect(incomplete.error?.message).toMatch(/profile requires: targets, timeRange/);
    const noIntent = preservationRequestBody(fr247);
    const intentFalse = {
      ...noIntent,
      preservation: { ...noIntent.preservation, intentToRequestMla: false },
    };
    expect(fieldsOf((await create(intentFalse)).error)).toEqual(['preservation.intentToRequestMla']);
  });

  it('should answer malformed JSON, oversized bodies and bad ids with the error envelope, never a 500', async () => {
    const post = (body: string, path = '/v1/requests') =>
      fetch(`${t.baseUrl}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'idempotency-key': crypto.randomUUID(),
        },
        body,
      });
    const malformed = await post('{"type": "mla_general",');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'validation.malformed_body' });

    const huge = await post(
      JSON.stringify({ ...mlaRequestBody(frCentralAuthority), factsSummary: 'x'.repeat(2 * 1024 * 1024) }),
    );
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ code: 'common.payload_too_large' });

    const badId = await fetch(`${t.baseUrl}/v1/requests/not-a-uuid`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(badId.status).toBe(400);
    expect(await badId.json()).toMatchObject({ code: 'validation.failed', details: [{ field: 'id' }] });

    const unknownAction = await post(
      JSON.stringify({ action: 'teleport' }),
      `/v1/requests/${crypto.randomUUID()}/transitions`,
    );
    expect(unknownAction.status).toBe(400);
  });

  it('should edit a draft only with the current version in If-Match', async () => {
    const officer = await t.as('vn.officer');
    const created = ok(await create(mlaRequestBody(frCentralAuthority)));
    const path = { params: { path: { id: created.id } } };

    const missing = await officer.PATCH('/v1/requests/{id}', {
      params: { ...path.params, header: {} as { 'If-Match': string } },
      body: { title: 'New title' },
    });
    expect(missing.response.status).toBe(428);

    const edited = await officer.PATCH('/v1/requests/{id}', {
      params: { ...path.params, header: { 'If-Match': '"1"' } },
      body: { title: 'New title' },
    });
    expect(ok(edited)).toMatchObject({ title: 'New title', version: 2, reference: created.reference });
    expect(edited.response.headers.get('etag')).toBe('"2"');

    const stale = await officer.PATCH('/v1/requests/{id}', {
      params: { ...path.params, header: { 'If-Match': '"1"' } },
      body: { title: 'Lost update' },
    });
    expect(stale.response.status).toBe(412);
    expect(stale.error).toMatchObject({
      code: 'request.precondition_failed',
      details: { currentVersion: 2 },
    });

    const invalid = await officer.PATCH('/v1/requests/{id}', {
      params: { ...path.params, header: { 'If-Match': '"2"' } },
      body: { urgency: { level: 'urgent' } },
    });
    expect(invalid.response.status).toBe(400);
    expect(ok(await officer.GET('/v1/requests/{id}', path))).toMatchObject({
      title: 'New title',
      version: 2,
    });

    // A stale If-Match on a transition is refused too; the right one goes through.
    const staleSubmit = await officer.POST('/v1/requests/{id}/transitions', {
      ...path,
      body: { action: 'submit' },
      headers: { 'If-Match': '"1"' },
    });
    expect(staleSubmit.response.status).toBe(412);
    ok(
      await officer.POST('/v1/requests/{id}/transitions', {
        ...path,
        body: { action: 'submit' },
        headers: { 'If-Match': '"2"' },
      }),
    );

    const notDraft = await officer.PATCH('/v1/requests/{id}', {
      params: { ...path.params, header: { 'If-Match': '"3"' } },
      body: { title: 'Too late' },
    });
    expect(notDraft.response.status).toBe(409);
    expect(notDraft.error).toMatchObject({ code: 'request.not_editable' });
  });

  it('should answer 409 to an action the current status does not allow', async () => {
    const created = ok(await create(mlaRequestBody(frCentralAuthority)));
    const attempt = await (
      await t.as('vn.officer')
    ).POST('/v1/requests/{id}/transitions', {
      params: { path: { id: created.id } },
      body: { action: 'close' },
    });
    expect(attempt.response.status).toBe(409);
    expect(attempt.error).toMatchObject({
      code: 'request.invalid_transition',
      details: { status: 'draft', action: 'close', allowedActions: ['submit'] },
    });
  });

  // F7 / REL-03 (security.md): 50 at once, 1 × 200 and 49 × 409 with the envelope.
  it('should let exactly one of many concurrent transitions through, with one audit entry', async () => {
    const created = ok(await create(mlaRequestBody(frCentralAuthority)));
    const officer = await t.as('vn.officer');
    const attempts = await Promise.all(
      Array.from({ length: 50 }, () =>
        officer.POST('/v1/requests/{id}/transitions', {
          params: { path: { id: created.id } },
          body: { action: 'submit' },
        }),
      ),
    );
    const statuses = attempts.map((attempt) => attempt.response.status).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(49);
    for (const attempt of attempts.filter((candidate) => candidate.response.status === 409)) {
      expect(attempt.error).toMatchObject({
        statusCode: 409,
        code: expect.stringMatching(/^[a-z_]+\.[a-z_]+$/),
        message: expect.any(String),
        correlationId: expect.any(String),
      });
    }
    const auditor = await t.as('auditor');
    const submits = ok(
      await auditor.GET('/v1/audit/events', {
        params: { query: { requestId: created.id, action: 'request.submit' } },
      }),
    );
    expect(submits.items).toHaveLength(1);
    expect(ok(await officer.GET('/v1/requests/{id}', { params: { path: { id: created.id } } })).version).toBe(
      2,
    );
  });

  it('should page correctly through requests created in the same millisecond', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      ids.push(ok(await create(mlaRequestBody(frCentralAuthority, { reference: `SAME-MS-${index}` }))).id);
    }
    // Force identical creation times: the keyset must fall back to the id to order them.
    await t.dataSource.query(
      `UPDATE "cooperation_request" SET "created_at" = '2030-01-01T00:00:00.000Z' WHERE "id" = ANY($1::uuid[])`,
      [ids],
    );
    const officer = await t.as('vn.officer');
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = ok(
        await officer.GET('/v1/requests', { params: { query: { box: 'outgoing', limit: 2, cursor } } }),
      );
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.slice(0, 5)).toEqual([...ids].sort().reverse());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('should let a PATCH remove the time range with null, and record only the fields that changed', async () => {
    const officer = await t.as('vn.officer');
    const created = ok(await create(mlaRequestBody(frCentralAuthority)));
    const edited = ok(
      await officer.PATCH('/v1/requests/{id}', {
        params: { path: { id: created.id }, header: { 'If-Match': '"1"' } },
        body: { timeRange: null, title: created.title, purpose: 'A new purpose' },
      }),
    );
    expect(edited).toMatchObject({ timeRange: null, purpose: 'A new purpose', version: 2 });
    const entries = ok(
      await (
        await t.as('auditor')
      ).GET('/v1/audit/events', { params: { query: { requestId: created.id, action: 'request.update' } } }),
    );
    expect(entries.items[0]?.data).toEqual({ changedFields: ['purpose', 'timeRange'], fromVersion: 1 });
    const nulled = await officer.PATCH('/v1/requests/{id}', {
      params: { path: { id: created.id }, header: { 'If-Match': '"2"' } },
      body: { purpose: null as unknown as string },
    });
    expect(nulled.response.status).toBe(400);
  });

  it('should keep the time range when a PATCH does not name it', async () => {
    const officer = await t.as('vn.officer');
    const created = ok(await create(mlaRequestBody(frCentralAuthority)));
    const edited = ok(
      await officer.PATCH('/v1/requests/{id}', {
        params: { path: { id: created.id }, header: { 'If-Match': '"1"' } },
        body: { purpose: 'A new purpose' },
      }),
    );
    expect(edited.timeRange).toEqual(created.timeRange);
    const entries = ok(
      await (
        await t.as('auditor')
      ).GET('/v1/audit/events', { params: { query: { requestId: created.id, action: 'request.update' } } }),
    );
    expect(entries.items[0]?.data).toEqual({ changedFields: ['purpose'], fromVersion: 1 });
  });

  it('should page through the outbox with keyset cursors, newest first, without gaps or repeats', async () => {
    const mine: string[] = [];
    for (let index = 0; index < 7; index += 1) {
      mine.push(ok(await create(mlaRequestBody(frCentralAuthority, { reference: `PAGE-${index}` }))).id);
    }
    const officer = await t.as('vn.officer');
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = ok(
        await officer.GET('/v1/requests', { params: { query: { box: 'outgoing', limit: 3, cursor } } }),
      );
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => mine.includes(id)).sort()).toEqual([...mine].sort());
    // Newest first: each page continues where the previous one stopped, in (createdAt, id) order.
    const rows: Array<{ id: string }> = await t.dataSource.query(
      'SELECT "id" FROM "cooperation_request" WHERE "requesting_agency_id" = $1 ORDER BY "created_at" DESC, "id" DESC',
      [(await officer.GET('/v1/auth/me')).data?.agency.id],
    );
    expect(seen).toEqual(rows.map((row) => row.id));

    const bad = await officer.GET('/v1/requests', { params: { query: { cursor: 'garbage' } } });
    expect(bad.response.status).toBe(400);
    expect(bad.error).toMatchObject({ details: [{ field: 'cursor' }] });
    expect((await officer.GET('/v1/requests', { params: { query: { limit: 1000 } } })).response.status).toBe(
      400,
    );
  });
});
