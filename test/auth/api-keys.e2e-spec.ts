import { createHash } from 'node:crypto';
import { createApiClient, login, type ApiClient, type Schemas } from '@mla/api-client';
import { PasswordHasher } from '../../src/modules/users/password-hasher';
import { agencyId, mlaRequestBody, ok } from '../support/factories';
import { createTestApp, DEMO_PASSWORD, FakeClock, type DemoUser, type TestApp } from '../support/test-app';

const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;
const KEY_FORMAT = /^mla_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;

type CreatedKey = Schemas['CreatedApiKeyDto'];

interface AuditRow {
  action: string;
  outcome: string;
  target_id: string | null;
  actor_user_id: string | null;
  body: string;
}

/** The secret part of `mla_<12 hex>_<secret>`; base64url may itself contain `_`, so no split. */
const secretOf = (key: string): string => key.slice('mla_'.length + 12 + 1);

describe('API keys for system-to-system clients (issue 3 item 5)', () => {
  const clock = new FakeClock();
  let t: TestApp;
  let c50: string;
  let frCa: string;
  /** Every key this suite has seen, to prove none of them, nor its hash, is stored or logged. */
  const issued: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({}, { clock });
    const officer = await t.as('vn.officer');
    c50 = await agencyId(officer, 'VN-C50');
    frCa = await agencyId(officer, 'FR-CA');
  });
  afterAll(() => t?.close());

  /** A fresh session each time: moving the clock ends the idle sessions of earlier logins. */
  const as = (user: DemoUser) => login(t.baseUrl, user, DEMO_PASSWORD);
  const withKey = (key: string) => createApiClient({ baseUrl: t.baseUrl, apiKey: key });
  const call = (path: string, headers: Record<string, string>, init: RequestInit = {}) =>
    fetch(`${t.baseUrl}${path}`, { ...init, headers: { 'content-type': 'application/json', ...headers } });
  const withoutCorrelation = async (response: Response) => ({
    ...((await response.json()) as Record<string, unknown>),
    correlationId: undefined,
  });
  const audit = (action: string) =>
    t.dataSource.query<AuditRow[]>(
      'SELECT "action", "outcome", "target_id", "actor_user_id", "body" FROM "audit_entry" WHERE "action" = $1 ORDER BY "seq"',
      [action],
    );

  async function createKey(
    body: Partial<Schemas['CreateApiKeyDto']> = {},
    admin?: ApiClient,
  ): Promise<CreatedKey> {
    const created = ok(
      await (admin ?? (await as('admin'))).POST('/v1/api-keys', {
        body: { agencyId: c50, role: 'liaison_officer', name: 'C50 case management system', ...body },
      }),
    );
    issued.push(created.key);
    return created;
  }

  it('should let an admin create a key for VN-C50 as liaison officer, acting as a service account of that agency', async () => {
    const created = await createKey();
    expect(created.key).toMatch(KEY_FORMAT);
    expect(created).toMatchObject({
      prefix: KEY_FORMAT.exec(created.key)?.[1],
      role: 'liaison_officer',
      agency: { code: 'VN-C50' },
      revokedAt: null,
      lastUsedAt: null,
    });
    const me = ok(await withKey(created.key).GET('/v1/auth/me'));
    expect(me).toMatchObject({
      id: created.serviceAccountId,
      username: `svc.${created.prefix}`,
      displayName: 'C50 case management system',
      role: 'liaison_officer',
      agency: { code: 'VN-C50' },
    });
    const users = ok(await (await as('admin')).GET('/v1/users'));
    expect(users.find((user) => user.id === created.serviceAccountId)).toMatchObject({ kind: 'service' });
  });

  it('should expire keys after the configured default of 90 days, and refuse lifetimes beyond a year', async () => {
    const created = await createKey();
    expect(Date.parse(created.expiresAt) - Date.parse(created.createdAt)).toBe(90 * DAY);
    const admin = await as('admin');
    for (const expiresInDays of [0, 366, 1.5]) {
      const refused = await admin.POST('/v1/api-keys', {
        body: { agencyId: c50, role: 'liaison_officer', name: 'too long', expiresInDays },
      });
      expect({ expiresInDays, status: refused.response.status }).toEqual({ expiresInDays, status: 400 });
    }
  });

  it('should show a key with exactly what a user of its agency sees, and no more', async () => {
    const key = withKey((await createKey()).key);
    const officer = await as('vn.officer');
    const own = ok(await officer.POST('/v1/requests', { body: mlaRequestBody(frCa) }));
    const german = await as('de.officer');
    const foreign = ok(await german.POST('/v1/requests', { body: mlaRequestBody(frCa) }));

    expect((await key.GET('/v1/requests/{id}', { params: { path: { id: own.id } } })).response.status).toBe(
      200,
    );
    const hidden = await key.GET('/v1/requests/{id}', { params: { path: { id: foreign.id } } });
    expect(hidden.response.status).toBe(404);

    const ids = async (client: ApiClient) =>
      ok(await client.GET('/v1/requests', { params: { query: { limit: 100 } } }))
        .items.map((item) => item.id)
        .sort();
    const seenByKey = await ids(key);
    expect(seenByKey).toEqual(await ids(officer));
    expect(seenByKey).toContain(own.id);
    expect(seenByKey).not.toContain(foreign.id);
  });

  it('should let a key create a request authored by its service account, audited with that actor', async () => {
    const created = await createKey({ name: 'Case intake bridge' });
    const request = ok(await withKey(created.key).POST('/v1/requests', { body: mlaRequestBody(frCa) }));
    expect(request.createdBy).toEqual({ id: created.serviceAccountId, displayName: 'Case intake bridge' });
    const [entry] = (await audit('request.create')).filter((row) => row.target_id === request.id);
    expect(entry?.actor_user_id).toBe(created.serviceAccountId);
    expect(JSON.parse(entry?.body ?? '{}')).toMatchObject({
      actor: { auth: 'api_key', role: 'liaison_officer' },
    });
  });

  it('should show the key once: the list and the table hold its prefix and hash, never the key', async () => {
    const created = await createKey();
    const listed = ok(await (await as('admin')).GET('/v1/api-keys'));
    const entry = listed.find((candidate) => candidate.id === created.id);
    expect(entry).toMatchObject({ id: created.id, prefix: created.prefix, agency: { code: 'VN-C50' } });
    expect(Object.keys(entry ?? {}).sort()).toEqual(
      [
        'agency',
        'createdAt',
        'expiresAt',
        'id',
        'lastUsedAt',
        'name',
        'prefix',
        'revokedAt',
        'role',
        'serviceAccountId',
      ].sort(),
    );
    const secretHash = createHash('sha256').update(created.key).digest('hex');
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(JSON.stringify(listed)).not.toContain(secretHash);

    const [row] = await t.dataSource.query<Array<Record<string, unknown>>>(
      'SELECT * FROM "api_key" WHERE "id" = $1',
      [created.id],
    );
    expect(row?.secret_hash).toBe(secretHash);
    expect(JSON.stringify(row)).not.toContain(secretOf(created.key));
  });

  it('should refuse a bearer token and an API key sent together, whichever is valid', async () => {
    const { key } = await createKey();
    const { data } = await t.anonymous.POST('/v1/auth/login', {
      body: { username: 'vn.officer', password: DEMO_PASSWORD },
    });
    const response = await call('/v1/auth/me', {
      authorization: `Bearer ${data?.accessToken}`,
      'x-api-key': key,
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'auth.ambiguous_credentials' });
  });

  it('should refuse a key on logout, password change and administration, with a stable code', async () => {
    const created = await createKey();
    const key = { 'x-api-key': created.key };
    const probes: Array<[string, string, unknown]> = [
      ['POST', '/v1/auth/logout', undefined],
      ['POST', '/v1/auth/password', { currentPassword: 'x', newPassword: 'y' }],
      ['GET', '/v1/users', undefined],
      ['PATCH', `/v1/users/${created.serviceAccountId}`, { disabled: false }],
      ['GET', '/v1/api-keys', undefined],
      ['POST', '/v1/api-keys', { agencyId: c50, role: 'liaison_officer', name: 'self-replicating' }],
      ['POST', `/v1/api-keys/${created.id}/revoke`, undefined],
    ];
    for (const [method, path, body] of probes) {
      const response = await call(path, key, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const { code } = (await response.json()) as { code: string };
      expect({ path, method, status: response.status, code }).toEqual({
        path,
        method,
        status: 403,
        code: 'auth.api_key_not_allowed',
      });
    }
    // Nothing above took effect: the key still works.
    expect((await withKey(created.key).GET('/v1/auth/me')).response.status).toBe(200);
    const denials = (await audit('access.denied')).filter(
      (row) => row.actor_user_id === created.serviceAccountId,
    );
    expect(denials).toHaveLength(probes.length);
  });

  it('should let only administrators create keys, and only with a case role', async () => {
    const officer = await as('vn.officer');
    const refused = await officer.POST('/v1/api-keys', {
      body: { agencyId: c50, role: 'liaison_officer', name: 'shadow IT' },
    });
    expect(refused.response.status).toBe(403);
    const admin = await as('admin');
    for (const role of ['admin', 'auditor'] as const) {
      const escalated = await admin.POST('/v1/api-keys', {
        body: { agencyId: c50, role: role as 'liaison_officer', name: 'too powerful' },
      });
      expect({ role, status: escalated.response.status }).toEqual({ role, status: 400 });
    }
    const nowhere = await admin.POST('/v1/api-keys', {
      body: { agencyId: '00000000-0000-4000-8000-000000000000', role: 'liaison_officer', name: 'nowhere' },
    });
    expect(nowhere.response.status).toBe(400);
    expect((await audit('api_key.created')).filter((row) => row.outcome === 'failure')).not.toHaveLength(0);
  });

  it('should never let a service account log in with a password, answering like an unknown user after the same work', async () => {
    const created = await createKey();
    const hasher = t.app.get(PasswordHasher);
    const spent = jest.spyOn(hasher, 'verifyAgainstNothing');
    const verified = jest.spyOn(hasher, 'verify');
    try {
      const login = (username: string) =>
        call(
          '/v1/auth/login',
          {},
          { method: 'POST', body: JSON.stringify({ username, password: DEMO_PASSWORD }) },
        );
      const service = await login(`svc.${created.prefix}`);
      expect(service.status).toBe(401);
      expect(spent).toHaveBeenCalledTimes(1);
      const unknown = await login('nobody.here');
      expect(await withoutCorrelation(service)).toEqual(await withoutCorrelation(unknown));
      // The dummy hash is verified (the work), the service account's unusable hash never is.
      expect(verified.mock.calls.every(([hash]) => hash.startsWith('$argon2id$'))).toBe(true);
    } finally {
      spent.mockRestore();
      verified.mockRestore();
    }
    const [failure] = (await audit('auth.login_failed')).filter(
      (row) => row.target_id === created.serviceAccountId,
    );
    expect(JSON.parse(failure?.body ?? '{}')).toMatchObject({ data: { reason: 'service_account' } });
  });

  it('should answer forged and malformed keys with the 401 of any bad credential, never a 500', async () => {
    const { key } = await createKey();
    const reference = await withoutCorrelation(
      await call('/v1/auth/me', { authorization: 'Bearer not-a-token' }),
    );
    expect(reference).toMatchObject({ statusCode: 401, code: 'auth.unauthenticated' });
    const last = key.at(-1) === 'A' ? 'B' : 'A';
    const forged = [
      `${key.slice(0, -1)}${last}`,
      `mla_000000000000_${'A'.repeat(43)}`,
      key.toUpperCase(),
      `${key}x`,
      key.slice(0, -1),
      'mla__',
      'garbage',
      ' ',
      "' OR 1=1 --",
      'x'.repeat(8000),
    ];
    for (const candidate of forged) {
      const response = await call('/v1/auth/me', { 'x-api-key': candidate });
      expect({ candidate: candidate.slice(0, 40), status: response.status }).toEqual({
        candidate: candidate.slice(0, 40),
        status: 401,
      });
      expect(await withoutCorrelation(response)).toEqual(reference);
    }
    const doubled = new Headers({ 'x-api-key': key });
    doubled.append('x-api-key', key);
    expect((await fetch(`${t.baseUrl}/v1/auth/me`, { headers: doubled })).status).toBe(401);
    expect((await call('/v1/auth/me', { 'x-api-key': '' })).status).toBe(401);
  });

  it('should record a use once an hour per key, and keep last_used_at with it', async () => {
    const created = await createKey();
    const key = withKey(created.key);
    for (let call = 0; call < 3; call += 1) expect((await key.GET('/v1/auth/me')).response.status).toBe(200);
    const uses = async () => (await audit('auth.api_key_used')).filter((row) => row.target_id === created.id);
    expect(await uses()).toHaveLength(1);
    const listed = ok(await (await as('admin')).GET('/v1/api-keys')).find((entry) => entry.id === created.id);
    expect(listed?.lastUsedAt).not.toBeNull();
    clock.advance(HOUR);
    expect((await key.GET('/v1/auth/me')).response.status).toBe(200);
    expect(await uses()).toHaveLength(2);
  });

  it('should refuse a revoked key on the very next call, and audit both the revocation and the attempt', async () => {
    const created = await createKey();
    const key = withKey(created.key);
    expect((await key.GET('/v1/auth/me')).response.status).toBe(200);
    const admin = await as('admin');
    const revoked = ok(
      await admin.POST('/v1/api-keys/{id}/revoke', { params: { path: { id: created.id } } }),
    );
    expect(revoked.revokedAt).not.toBeNull();
    const refused = await call('/v1/auth/me', { 'x-api-key': created.key });
    expect(refused.status).toBe(401);
    expect(await withoutCorrelation(refused)).toMatchObject({ code: 'auth.unauthenticated' });

    const again = await admin.POST('/v1/api-keys/{id}/revoke', { params: { path: { id: created.id } } });
    expect(again.data?.revokedAt).toBe(revoked.revokedAt);
    const missing = await admin.POST('/v1/api-keys/{id}/revoke', {
      params: { path: { id: '00000000-0000-4000-8000-000000000000' } },
    });
    expect(missing.response.status).toBe(404);
    expect((missing.error as { code?: string } | undefined)?.code).toBe('api_key.not_found');

    const revocations = (await audit('api_key.revoked')).filter((row) => row.target_id === created.id);
    expect(revocations.map((row) => row.outcome)).toEqual(['success', 'failure']);
    const rejections = (await audit('auth.api_key_rejected')).filter((row) => row.target_id === created.id);
    expect(rejections.map((row) => JSON.parse(row.body) as { data: unknown })).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ reason: 'revoked' }) as unknown }),
    ]);
  });

  it('should stop every key of a service account an administrator disables', async () => {
    const created = await createKey();
    ok(
      await (
        await as('admin')
      ).PATCH('/v1/users/{id}', {
        params: { path: { id: created.serviceAccountId } },
        body: { disabled: true },
      }),
    );
    expect((await call('/v1/auth/me', { 'x-api-key': created.key })).status).toBe(401);
  });

  it('should refuse a key once it has expired, not before', async () => {
    const created = await createKey({ expiresInDays: 1 });
    clock.advance(DAY - 1_000);
    expect((await withKey(created.key).GET('/v1/auth/me')).response.status).toBe(200);
    clock.advance(1_000);
    expect((await withKey(created.key).GET('/v1/auth/me')).response.status).toBe(401);
    const [rejection] = (await audit('auth.api_key_rejected')).filter((row) => row.target_id === created.id);
    expect(JSON.parse(rejection?.body ?? '{}')).toMatchObject({ data: { reason: 'expired' } });
  });

  it('should audit creation and use without ever writing a key or its hash', async () => {
    const created = await createKey();
    const creations = (await audit('api_key.created')).filter((row) => row.target_id === created.id);
    expect(creations).toHaveLength(1);
    expect(JSON.parse(creations[0]?.body ?? '{}')).toMatchObject({
      outcome: 'success',
      actor: { role: 'admin' },
      target: { type: 'api_key', id: created.id },
      data: { serviceAccountId: created.serviceAccountId, prefix: created.prefix, role: 'liaison_officer' },
    });
    expect((await audit('user.create')).map((row) => row.target_id)).toContain(created.serviceAccountId);

    const bodies: Array<{ body: string }> = await t.dataSource.query('SELECT "body" FROM "audit_entry"');
    const everything = bodies.map((row) => row.body).join('\n');
    expect(issued.length).toBeGreaterThan(10);
    for (const key of issued) {
      expect(everything).not.toContain(secretOf(key));
      expect(everything).not.toContain(createHash('sha256').update(key).digest('hex'));
    }
  });
});
