import { agencyId, mlaRequestBody, ok } from '../support/factories';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../support/test-app';

/** Inputs that once reached the database or the validators as 500s: each must be a clear 400. */
describe('Hostile and odd input', () => {
  let t: TestApp;
  let token: string;
  let frCentralAuthority: string;

  beforeAll(async () => {
    t = await createTestApp();
    const { data } = await t.anonymous.POST('/v1/auth/login', {
      body: { username: 'vn.officer', password: DEMO_PASSWORD },
    });
    token = data?.accessToken ?? '';
    frCentralAuthority = await agencyId(await t.as('vn.officer'), 'FR-CA');
  });
  afterAll(() => t?.close());

  const send = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    fetch(`${t.baseUrl}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        // Creating a request and transitions require one: the tests here are about the body.
        ...(method === 'POST' ? { 'idempotency-key': crypto.randomUUID() } : {}),
        ...headers,
      },
      body,
    });

  it.each([
    [
      'a NUL character in a text field',
      JSON.stringify({ ...mlaRequestBodyPlaceholder(), title: 'Evil\u0000title' }),
      'NUL',
    ],
    ['JSON nested 40 levels deep', `{"x":${'['.repeat(40)}${']'.repeat(40)}}`, 'nested'],
    ['a __proto__ key', '{"__proto__":{"polluted":true},"title":"x"}', '__proto__'],
    [
      'a constructor key deep inside',
      '{"urgency":{"constructor":{"prototype":{"polluted":true}}}}',
      'constructor',
    ],
  ])('should refuse %s with 400 before it reaches the application', async (_name, body, hint) => {
    const response = await send('POST', '/v1/requests', body);
    expect(response.status).toBe(400);
    const envelope = (await response.json()) as { code: string; message: string };
    expect(envelope.code).toBe('validation.malformed_body');
    expect(envelope.message).toContain(hint);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('should refuse a NUL character in the login name with 400, not 500', async () => {
    const response = await fetch(`${t.baseUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'a\u0000b', password: 'x' }),
    });
    expect(response.status).toBe(400);
  });

  it('should answer malformed JSON with a generic message and the correlation id', async () => {
    const response = await send('POST', '/v1/requests', '{"title": "unterminated', {
      'x-correlation-id': 'trace-malformed-1',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-correlation-id')).toBe('trace-malformed-1');
    expect(await response.json()).toEqual({
      statusCode: 400,
      code: 'validation.malformed_body',
      message: 'The request body could not be parsed as JSON',
      correlationId: 'trace-malformed-1',
    });
  });

  it.each([
    ['a blank title', { title: '   ' }, 'title'],
    [
      'the keyword "system" as a time zone',
      {
        targets: [
          {
            type: 'email',
            value: 'a@example.org',
            timestamp: { local: '2026-01-01T00:00:00', timeZone: 'system' },
          },
        ],
      },
      'targets[0].timestamp.timeZone',
    ],
    ['an array where an object belongs', { urgency: ['normal'] }, 'urgency'],
    ['a number where text belongs', { purpose: 42 }, 'purpose'],
  ])('should refuse %s with field details', async (_name, overrides, field) => {
    const response = await send(
      'POST',
      '/v1/requests',
      JSON.stringify({ ...mlaRequestBody(frCentralAuthority), ...overrides }),
    );
    expect(response.status).toBe(400);
    const envelope = (await response.json()) as { details: Array<{ field: string }> };
    expect(envelope.details.map((detail) => detail.field)).toContain(field);
  });

  it.each([
    ['a fractional position', { seq: 1.5 }],
    ['an enormous position', { seq: 1e30 }],
    ['a non-UUID id', { createdAt: '2026-01-01T00:00:00.000Z', id: 'x' }],
    ['an impossible instant', { createdAt: 'zzz', id: '00000000-0000-4000-8000-000000000000' }],
  ])('should refuse a forged cursor with %s as a 400 on cursor', async (_name, position) => {
    const cursor = Buffer.from(JSON.stringify(position)).toString('base64url');
    const created = ok(
      await (await t.as('vn.officer')).POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) }),
    );
    for (const path of [
      '/v1/requests',
      `/v1/requests/${created.id}/messages`,
      `/v1/requests/${created.id}/history`,
    ]) {
      const response = await send('GET', `${path}?cursor=${cursor}`);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
    }
  });

  it('should refuse repeated query parameters instead of guessing which one was meant', async () => {
    expect((await send('GET', '/v1/requests?status=draft&status=ready')).status).toBe(400);
    expect((await send('GET', '/v1/requests?limit=1&limit=2')).status).toBe(400);
  });

  it('should refuse a reason on an action that takes none (it would enter the permanent audit log)', async () => {
    const created = ok(
      await (await t.as('vn.officer')).POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) }),
    );
    const response = await send(
      'POST',
      `/v1/requests/${created.id}/transitions`,
      JSON.stringify({ action: 'submit', reason: 'Suspect: Tran Van B, born 1990' }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ details: [{ field: 'reason' }] });
  });
});

function mlaRequestBodyPlaceholder() {
  return { type: 'mla_general' };
}
