import { randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, Reflector } from '@nestjs/core';
import {
  IdempotentMetadata,
  NotIdempotentMetadata,
} from '../../src/modules/idempotency/idempotent.decorator';
import { IdempotencyService } from '../../src/modules/idempotency/idempotency.service';
import { acceptedRequest, fire, postFile, tokenOf, transmittedRequest } from '../evidence/support';
import { agencyId, mlaRequestBody, ok } from '../support/factories';
import { createTestApp, type DemoUser, type TestApp } from '../support/test-app';

/** A raw answer, kept as bytes: a replay must equal the first response exactly. */
interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

const LEASE_MS = 600;

describe('Idempotency-Key on the POSTs that change cases (security.md REL-02, F8-F10)', () => {
  let t: TestApp;
  const tokens = new Map<DemoUser, string>();
  let frCentralAuthority: string;

  beforeAll(async () => {
    // A short lease, so the renewal during a long request is seen to matter.
    t = await createTestApp({ IDEMPOTENCY_LEASE_MS: String(LEASE_MS) });
    frCentralAuthority = await agencyId(await t.as('vn.officer'), 'FR-CA');
    // Logged in first, so no login's audit entry is counted as an effect of a test's POST.
    for (const user of ['vn.officer', 'fr.central', 'fr.executing', 'de.officer'] as const) await token(user);
  }, 120_000);
  afterAll(() => t?.close());

  async function token(user: DemoUser): Promise<string> {
    let value = tokens.get(user);
    if (!value) {
      value = await tokenOf(t, user);
      tokens.set(user, value);
    }
    return value;
  }

  async function post(user: DemoUser, path: string, body: unknown, key?: string): Promise<Answer> {
    const response = await fetch(`${t.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${await token(user)}`,
        ...(key === undefined ? {} : { 'Idempotency-Key': key }),
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text(), headers: response.headers };
  }

  async function count(table: string): Promise<number> {
    const rows: Array<{ n: string | number }> = await t.dataSource.query(
      `SELECT count(*) AS n FROM "${table}"`,
    );
    return Number(rows[0]?.n);
  }

  /** What each retry must leave alone: the effect's rows and the audit log. */
  async function effects(): Promise<Record<string, number>> {
    return {
      requests: await count('cooperation_request'),
      messages: await count('request_message'),
      evidence: await count('evidence_item'),
      audit: await count('audit_entry'),
    };
  }

  async function keyRow(key: string): Promise<{ state: string; response_source: string | null }> {
    const rows: Array<{ state: string; response_source: string | null }> = await t.dataSource.query(
      'SELECT "state", "response_source" FROM "idempotency_key" WHERE "key" = $1',
      [key],
    );
    expect(rows).toHaveLength(1);
    return rows[0];
  }

  /** Equal as sent: status, body bytes, and the headers that describe the effect. */
  function expectSameAnswer(retry: Answer, first: Answer): void {
    expect(retry.status).toBe(first.status);
    expect(retry.text).toBe(first.text);
    for (const name of ['location', 'etag', 'content-type'])
      expect(retry.headers.get(name)).toBe(first.headers.get(name));
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
  }

  /**
   * The response recorded inside the use case's transaction was the one sent: a retry after a crash
   * between commit and response (F1) gets exactly what the client would have got.
   */
  async function expectRecordedInTransaction(key: string): Promise<void> {
    expect(await keyRow(key)).toEqual({ state: 'completed', response_source: 'transaction' });
  }

  it('should replay the first answer to a retried create, with one request and one audit entry', async () => {
    const key = randomUUID();
    const body = mlaRequestBody(frCentralAuthority);
    const first = await post('vn.officer', '/v1/requests', body, key);
    expect(first.status).toBe(201);
    const created = JSON.parse(first.text) as { id: string };
    expect(first.headers.get('location')).toBe(`/v1/requests/${created.id}`);
    const before = await effects();

    const retry = await post('vn.officer', '/v1/requests', body, key);
    expectSameAnswer(retry, first);
    expect(await effects()).toEqual(before);
    const audited: Array<{ n: string | number }> = await t.dataSource.query(
      `SELECT count(*) AS n FROM "audit_entry" WHERE "action" = 'request.create' AND "request_id" = $1`,
      [created.id],
    );
    expect(Number(audited[0]?.n)).toBe(1);
    await expectRecordedInTransaction(key);
  });

  it('should replay a retried transition without a second transition', async () => {
    const draft = ok(
      await (await t.as('vn.officer')).POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) }),
    );
    const key = randomUUID();
    const first = await post('vn.officer', `/v1/requests/${draft.id}/transitions`, { action: 'submit' }, key);
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('"2"');
    const before = await effects();

    const retry = await post('vn.officer', `/v1/requests/${draft.id}/transitions`, { action: 'submit' }, key);
    expectSameAnswer(retry, first);
    expect(await effects()).toEqual(before);
    // Without the key the same transition is a second, refused one: the replay was not a re-run.
    expect(
      (await post('vn.officer', `/v1/requests/${draft.id}/transitions`, { action: 'submit' }, randomUUID()))
        .status,
    ).toBe(409);
    await expectRecordedInTransaction(key);
  });

  it('should replay a retried message without a second message', async () => {
    const requestId = await transmittedRequest(t);
    const key = randomUUID();
    const message = { kind: 'status_enquiry', body: 'Where do things stand?' };
    const first = await post('fr.central', `/v1/requests/${requestId}/messages`, message, key);
    expect(first.status).toBe(201);
    const before = await effects();

    expectSameAnswer(await post('fr.central', `/v1/requests/${requestId}/messages`, message, key), first);
    expect(await effects()).toEqual(before);
    await expectRecordedInTransaction(key);
  });

  it('should replay a retried upload (the body hashed again) and refuse another file under its key', async () => {
    const requestId = await acceptedRequest(t);
    const executing = await token('fr.executing');
    const content = randomBytes(64 * 1024);
    const key = randomUUID();
    const upload = async (bytes: Buffer, description = 'disk image') => {
      const response = await postFile(
        t,
        executing,
        requestId,
        bytes,
        'image.dd',
        { description },
        undefined,
        key,
      );
      return { status: response.status, text: await response.text(), headers: response.headers };
    };
    const first = await upload(content);
    expect(first.status).toBe(201);
    const before = await effects();

    expectSameAnswer(await upload(content), first);
    expect(await effects()).toEqual(before);
    await expectRecordedInTransaction(key);

    // Another file, or the same file described otherwise, under the same key: 422, nothing stored.
    for (const other of [
      await upload(randomBytes(64 * 1024)),
      await upload(content, 'another description'),
    ]) {
      expect(other.status).toBe(422);
      expect(JSON.parse(other.text)).toMatchObject({ statusCode: 422, code: 'idempotency.key_reused' });
    }
    expect(await effects()).toEqual(before);
  });

  it('should answer the same key with another body with 422 and change nothing (F8)', async () => {
    const key = randomUUID();
    expect((await post('vn.officer', '/v1/requests', mlaRequestBody(frCentralAuthority), key)).status).toBe(
      201,
    );
    const before = await effects();

    const other = await post(
      'vn.officer',
      '/v1/requests',
      { ...mlaRequestBody(frCentralAuthority), title: 'Another request' },
      key,
    );
    expect(other.status).toBe(422);
    const envelope = JSON.parse(other.text) as Record<string, unknown>;
    expect(envelope).toMatchObject({ statusCode: 422, code: 'idempotency.key_reused' });
    expect(typeof envelope.correlationId).toBe('string');
    // Another route under the same key is another request too.
    const elsewhere = await post(
      'vn.officer',
      `/v1/requests/${randomUUID()}/transitions`,
      { action: 'submit' },
      key,
    );
    expect(elsewhere.status).toBe(422);
    expect(await effects()).toEqual(before);
  });

  it('should give ten simultaneous duplicates exactly one effect (F9)', async () => {
    const key = randomUUID();
    const body = mlaRequestBody(frCentralAuthority);
    await token('vn.officer'); // logged in before, so the login's own audit entry is not counted
    const before = await effects();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => post('vn.officer', '/v1/requests', body, key)),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    const created = answers.filter((answer) => answer.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    // Every 201 is the one effect: the first, or its replay.
    expect(new Set(created.map((answer) => answer.text)).size).toBe(1);
    for (const busy of answers.filter((answer) => answer.status === 409)) {
      expect(JSON.parse(busy.text)).toMatchObject({ code: 'idempotency.in_flight' });
      expect(Number(busy.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    const after = await effects();
    expect(after.requests).toBe(before.requests + 1);
    const id = (JSON.parse(created[0].text) as { id: string }).id;
    const audited: Array<{ action: string }> = await t.dataSource.query(
      'SELECT "action" FROM "audit_entry" WHERE "request_id" = $1 ORDER BY "seq"',
      [id],
    );
    // One creation (and the author's assignment that comes with it), whatever the number of calls.
    expect(audited.map((entry) => entry.action)).toEqual(['request.create', 'request.assigned']);
    expect(after.audit).toBe(before.audit + audited.length);
  });

  it('should refuse a change to a case without a key with 400 and change nothing (F10)', async () => {
    const draft = ok(
      await (await t.as('vn.officer')).POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) }),
    );
    const requestId = await acceptedRequest(t);
    const before = await effects();
    const answers = [
      await post('vn.officer', '/v1/requests', mlaRequestBody(frCentralAuthority)),
      await post('vn.officer', `/v1/requests/${draft.id}/transitions`, { action: 'submit' }),
      await fetch(`${t.baseUrl}/v1/requests/${requestId}/evidence`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${await token('fr.executing')}` },
        body: (() => {
          const form = new FormData();
          form.append('file', new Blob([randomBytes(1024)]), 'image.dd');
          return form;
        })(),
      }).then(async (response) => ({ status: response.status, text: await response.text() })),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toMatchObject({ statusCode: 400, code: 'idempotency.key_required' });
    }
    expect(await effects()).toEqual(before);

    // Malformed keys are refused as such.
    for (const key of ['', 'x'.repeat(256), 'tab\there', 'é'])
      expect(
        JSON.parse((await post('vn.officer', '/v1/requests', mlaRequestBody(frCentralAuthority), key)).text),
      ).toMatchObject({
        code: key === '' ? 'idempotency.key_invalid' : 'idempotency.key_invalid',
      });
    expect(await effects()).toEqual(before);

    // Where the key is optional, a POST without one still works.
    const transmitted = await transmittedRequest(t);
    const message = await post('fr.central', `/v1/requests/${transmitted}/messages`, {
      kind: 'status_enquiry',
      body: 'No key',
    });
    expect(message.status).toBe(201);
  });

  it('should keep keys per user: another user with the same key gets an effect of their own', async () => {
    const key = randomUUID();
    const first = await post('vn.officer', '/v1/requests', mlaRequestBody(frCentralAuthority), key);
    expect(first.status).toBe(201);
    const deCentral = await agencyId(await t.as('de.officer'), 'FR-CA');
    const other = await post('de.officer', '/v1/requests', mlaRequestBody(deCentral), key);
    expect(other.status).toBe(201);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect((JSON.parse(other.text) as { id: string }).id).not.toBe(
      (JSON.parse(first.text) as { id: string }).id,
    );
    // And the first user's retry still gets the first user's answer.
    expectSameAnswer(
      await post('vn.officer', '/v1/requests', mlaRequestBody(frCentralAuthority), key),
      first,
    );
  });

  it('should answer 409 with Retry-After while the first attempt runs, renewing its lease, and free the key when it fails', async () => {
    const requestId = await acceptedRequest(t);
    const executing = await token('fr.executing');
    const key = randomUUID();
    const before = await effects();
    // An upload that sends its first bytes and then waits: claimed, in flight, never finished.
    const boundary = `stall${randomBytes(8).toString('hex')}`;
    const stalled = httpRequest(`${t.baseUrl}/v1/requests/${requestId}/evidence`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${executing}`,
        'Idempotency-Key': key,
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': String(1024 * 1024),
      },
    });
    stalled.on('error', () => undefined);
    stalled.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="image.dd"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    stalled.write(randomBytes(4096));
    await sleep(200);

    const busy = await postFile(t, executing, requestId, randomBytes(1024), 'image.dd', {}, undefined, key);
    expect(busy.status).toBe(409);
    expect(await busy.json()).toMatchObject({ statusCode: 409, code: 'idempotency.in_flight' });
    expect(Number(busy.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // Well past its lease, the first attempt still holds the key: it keeps renewing it.
    await sleep(LEASE_MS * 3);
    expect(
      (await postFile(t, executing, requestId, randomBytes(1024), 'image.dd', {}, undefined, key)).status,
    ).toBe(409);

    // The first attempt fails (the client goes away): nothing was done, so the key is free again.
    stalled.destroy();
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const rows: unknown[] = await t.dataSource.query('SELECT 1 FROM "idempotency_key" WHERE "key" = $1', [
        key,
      ]);
      if (rows.length === 0) break;
      await sleep(100);
    }
    const retry = await postFile(t, executing, requestId, randomBytes(1024), 'image.dd', {}, undefined, key);
    expect(retry.status).toBe(201);
    const after = await effects();
    expect(after.evidence).toBe(before.evidence + 1);
  });

  it('should let a retry take over a key whose holder died before committing (F2, in process)', async () => {
    const key = randomUUID();
    const body = mlaRequestBody(frCentralAuthority);
    // What a process killed mid-request leaves: the claim, in flight, its lease run out, no effect.
    const officer: Array<{ id: string }> = await t.dataSource.query(
      `SELECT "id" FROM "user_account" WHERE "username" = 'vn.officer'`,
    );
    await t.dataSource.query(
      `INSERT INTO "idempotency_key" ("scope", "key", "method", "path", "fingerprint", "state", "claim_token",
         "lease_expires_at", "created_at", "expires_at")
       VALUES ($1, $2, 'POST', '/v1/requests', NULL, 'in_flight', $3, now() - interval '1 second', now(),
         now() + interval '1 day')`,
      [`user:${officer[0].id}`, key, randomUUID()],
    );
    const before = await effects();
    const first = await post('vn.officer', '/v1/requests', body, key);
    expect(first.status).toBe(201);
    expect((await effects()).requests).toBe(before.requests + 1);
    expectSameAnswer(await post('vn.officer', '/v1/requests', body, key), first);
    expect((await effects()).requests).toBe(before.requests + 1);
  });

  it('should delete expired keys, after which the key is as new', async () => {
    const key = randomUUID();
    expect((await post('vn.officer', '/v1/requests', mlaRequestBody(frCentralAuthority), key)).status).toBe(
      201,
    );
    const live = randomUUID();
    expect((await post('vn.officer', '/v1/requests', mlaRequestBody(frCentralAuthority), live)).status).toBe(
      201,
    );
    await t.dataSource.query(
      `UPDATE "idempotency_key" SET "expires_at" = now() - interval '1 second' WHERE "key" = $1`,
      [key],
    );
    const keys = t.app.get(IdempotencyService);
    expect(await keys.deleteExpired()).toBe(1);
    expect(await keys.deleteExpired()).toBe(0);
    const remaining: Array<{ key: string }> = await t.dataSource.query(
      'SELECT "key" FROM "idempotency_key" WHERE "key" IN ($1, $2)',
      [key, live],
    );
    expect(remaining.map((row) => row.key)).toEqual([live]);
    // Expired, another body under the old key is a new request, not a reuse.
    const again = await post(
      'vn.officer',
      '/v1/requests',
      { ...mlaRequestBody(frCentralAuthority), title: 'After expiry' },
      key,
    );
    expect(again.status).toBe(201);
  });

  it('should declare, on every POST, whether it takes an Idempotency-Key, and require it where cases change', () => {
    const reflector = t.app.get(Reflector);
    const undeclared: string[] = [];
    const required: string[] = [];
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
        if (!controller) continue;
        const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
        const proto = controller.prototype as Record<string, unknown>;
        for (const name of Object.getOwnPropertyNames(proto)) {
          const handler = proto[name];
          if (typeof handler !== 'function' || !Reflect.hasMetadata(PATH_METADATA, handler)) continue;
          if (Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.POST) continue;
          const route = `POST /${[base, String(Reflect.getMetadata(PATH_METADATA, handler))]
            .filter((part) => part && part !== '/')
            .join('/')}`;
          const options = reflector.get(IdempotentMetadata, handler as () => unknown);
          const exclusion = reflector.get(NotIdempotentMetadata, handler as () => unknown);
          if (!options === !exclusion) undeclared.push(route);
          if (options?.required) required.push(route);
        }
      }
    }
    expect(undeclared).toEqual([]);
    expect(required.sort()).toEqual([
      'POST /v1/requests',
      'POST /v1/requests/:id/evidence',
      'POST /v1/requests/:id/transitions',
    ]);
  });

  it('should send a fresh key from the typed client on every POST, and the caller’s own when given', async () => {
    const officer = await t.as('vn.officer');
    const key = randomUUID();
    const body = mlaRequestBody(frCentralAuthority);
    const first = ok(
      await officer.POST('/v1/requests', { body, params: { header: { 'Idempotency-Key': key } } }),
    );
    const again = await officer.POST('/v1/requests', {
      body,
      params: { header: { 'Idempotency-Key': key } },
    });
    expect(again.data?.id).toBe(first.id);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    const other = ok(await officer.POST('/v1/requests', { body }));
    expect(other.id).not.toBe(first.id);
    await fire(officer, other.id, 'submit');
  });
});
