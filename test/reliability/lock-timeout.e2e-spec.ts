import { Client } from 'pg';
import { testEngine } from '../support/database';
import { agencyId, mlaRequestBody, ok } from '../support/factories';
import { createTestApp, type TestApp } from '../support/test-app';
import { api, login } from './support';

const LOCK_TIMEOUT_MS = 2_000;

// F11 / REL-06. A row lock held by another session needs another session: the embedded engine is one
// session by design (its transactions are queued, not locked against each other), so PostgreSQL only.
const onPostgres = testEngine() === 'postgres' ? describe : describe.skip;

onPostgres(
  'A row lock held by another session (F11; PostgreSQL only: the embedded engine has a single session)',
  () => {
    let t: TestApp;
    let other: Client;

    beforeAll(async () => {
      t = await createTestApp({ DB_LOCK_TIMEOUT_MS: String(LOCK_TIMEOUT_MS) });
      other = new Client({ connectionString: (t.dataSource.options as { url: string }).url });
      await other.connect();
    });
    afterAll(async () => {
      await other?.end();
      await t?.close();
    });

    it('should answer a transition 503 with the envelope within about the lock timeout, change nothing, and work once the lock is gone', async () => {
      const officer = await t.as('vn.officer');
      const created = ok(
        await officer.POST('/v1/requests', { body: mlaRequestBody(await agencyId(officer, 'FR-CA')) }),
      );
      const token = await login(t.baseUrl, 'vn.officer');
      const auditor = await login(t.baseUrl, 'auditor');
      const submits = async (): Promise<number> =>
        (
          await api<{ items: unknown[] }>(
            t.baseUrl,
            auditor,
            'GET',
            `/v1/audit/events?requestId=${created.id}&action=request.submit`,
          )
        ).body.items.length;

      await other.query('BEGIN');
      await other.query('SELECT * FROM "cooperation_request" WHERE "id" = $1 FOR UPDATE', [created.id]);
      const started = performance.now();
      const blocked = await api<Record<string, unknown>>(
        t.baseUrl,
        token,
        'POST',
        `/v1/requests/${created.id}/transitions`,
        { action: 'submit' },
        20_000,
      );
      const waited = performance.now() - started;
      // Meanwhile the rest of the portal serves: a read of another kind and readiness.
      const ready = await fetch(`${t.baseUrl}/health/ready`);
      await other.query('ROLLBACK');

      expect(blocked.status).toBe(503);
      expect(blocked.body).toEqual({
        statusCode: 503,
        code: 'common.service_unavailable',
        message: expect.any(String),
        correlationId: expect.any(String),
      });
      expect(JSON.stringify(blocked.body)).not.toMatch(/cooperation_request|lock|SELECT/i);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(waited).toBeGreaterThanOrEqual(LOCK_TIMEOUT_MS - 100);
      expect(waited).toBeLessThan(LOCK_TIMEOUT_MS + 2_000);
      expect(ready.status).toBe(200);

      // Nothing changed, nothing audited; the same call goes through now that the lock is gone.
      const after = ok(await officer.GET('/v1/requests/{id}', { params: { path: { id: created.id } } }));
      expect(after).toMatchObject({ status: 'draft', version: 1 });
      expect(await submits()).toBe(0);
      const retried = await api<{ version: number }>(
        t.baseUrl,
        token,
        'POST',
        `/v1/requests/${created.id}/transitions`,
        {
          action: 'submit',
        },
      );
      expect(retried.status).toBe(200);
      expect(retried.body.version).toBe(2);
      expect(await submits()).toBe(1);
      process.stdout.write(
        `lock timeout ${LOCK_TIMEOUT_MS} ms: the blocked transition answered 503 after ${Math.round(waited)} ms\n`,
      );
    });

    it('should answer a read 503 rather than hang while a table lock blocks it', async () => {
      // An ACCESS EXCLUSIVE lock (a migration, a VACUUM FULL by hand) makes even a plain read wait.
      const token = await login(t.baseUrl, 'vn.officer');
      await other.query('BEGIN');
      await other.query('LOCK TABLE "cooperation_request" IN ACCESS EXCLUSIVE MODE');
      const started = performance.now();
      const blocked = await api<{ code: string }>(
        t.baseUrl,
        token,
        'GET',
        '/v1/requests?box=outgoing',
        undefined,
        20_000,
      );
      const waited = performance.now() - started;
      await other.query('ROLLBACK');
      expect(blocked.status).toBe(503);
      expect(blocked.body.code).toBe('common.service_unavailable');
      expect(waited).toBeLessThan(LOCK_TIMEOUT_MS + 2_000);
      const again = await api(t.baseUrl, token, 'GET', '/v1/requests?box=outgoing');
      expect(again.status).toBe(200);
    });
  },
);
