import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createTestDatabase, describeHeavy, type TestDatabase } from '../support/database';
import { freePort, startPortal } from '../evidence/portal-process';
import { tokenOf } from '../evidence/support';
import { mlaRequestBody } from '../support/factories';

/**
 * security.md F1 and F2 with a real portal process killed by SIGKILL at the moment that matters,
 * through the fault hook (FAULT_HOOK, honoured only outside production), then restarted on the same
 * database; the client retries with the same Idempotency-Key.
 */
describeHeavy('A portal process killed around the commit of a request with an Idempotency-Key', () => {
  let database: TestDatabase;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    database = await createTestDatabase();
  }, 180_000);
  afterEach(async () => {
    child?.kill('SIGKILL');
    if (child && child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    child = undefined;
    await database?.drop();
  });

  async function start(env: Record<string, string>): Promise<string> {
    const port = await freePort();
    // The embedded engine starts slowly on a busy machine (migrations, seeding): allow for it.
    child = await startPortal(database, port, env, 120_000);
    return `http://127.0.0.1:${port}`;
  }

  async function stop(): Promise<void> {
    const process = child;
    if (process && process.exitCode === null && process.signalCode === null) await once(process, 'exit');
    expect(process?.signalCode).toBe('SIGKILL');
    child = undefined;
  }

  async function createWithKey(baseUrl: string, token: string, key: string, agency: string) {
    const response = await fetch(`${baseUrl}/v1/requests`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token}`,
        'Idempotency-Key': key,
      },
      body: JSON.stringify(mlaRequestBody(agency)),
    });
    return { status: response.status, text: await response.text(), headers: response.headers };
  }

  async function counts(baseUrl: string): Promise<{ requests: string[]; created: number }> {
    const officer = await tokenOf({ baseUrl }, 'vn.officer');
    const list = (await (
      await fetch(`${baseUrl}/v1/requests`, { headers: { Authorization: `Bearer ${officer}` } })
    ).json()) as { items: Array<{ id: string }> };
    const auditor = await tokenOf({ baseUrl }, 'auditor');
    const entries = (await (
      await fetch(`${baseUrl}/v1/audit/events?action=request.create`, {
        headers: { Authorization: `Bearer ${auditor}` },
      })
    ).json()) as { items: unknown[] };
    return { requests: list.items.map((item) => item.id), created: entries.items.length };
  }

  async function agencyOf(baseUrl: string, token: string, code: string): Promise<string> {
    const agencies = (await (
      await fetch(`${baseUrl}/v1/agencies`, { headers: { Authorization: `Bearer ${token}` } })
    ).json()) as Array<{ id: string; code: string }>;
    const agency = agencies.find((candidate) => candidate.code === code);
    if (!agency) throw new Error(`no agency ${code}`);
    return agency.id;
  }

  it('should answer the retry after a kill between commit and response with the committed request (F1)', async () => {
    let baseUrl = await start({ FAULT_HOOK: 'exit-after-commit' });
    const token = await tokenOf({ baseUrl }, 'vn.officer');
    const agency = await agencyOf(baseUrl, token, 'FR-CA');
    const key = randomUUID();
    // Committed, then killed before answering: the client sees only a dropped connection.
    await expect(createWithKey(baseUrl, token, key, agency)).rejects.toThrow();
    await stop();

    baseUrl = await start({});
    const retry = await createWithKey(baseUrl, token, key, agency);
    expect(retry.status).toBe(201);
    const created = JSON.parse(retry.text) as { id: string; version: number; status: string };
    expect(created.status).toBe('draft');
    expect(retry.headers.get('location')).toBe(`/v1/requests/${created.id}`);
    expect(retry.headers.get('etag')).toBe('"1"');
    expect(await counts(baseUrl)).toEqual({ requests: [created.id], created: 1 });
    // The answer is the request as it is, and every further retry gets the same bytes.
    const view = await (
      await fetch(`${baseUrl}/v1/requests/${created.id}`, { headers: { Authorization: `Bearer ${token}` } })
    ).json();
    expect(JSON.parse(retry.text)).toEqual(view);
    const again = await createWithKey(baseUrl, token, key, agency);
    expect([again.status, again.text, again.headers.get('location')]).toEqual([
      retry.status,
      retry.text,
      retry.headers.get('location'),
    ]);
    expect(await counts(baseUrl)).toEqual({ requests: [created.id], created: 1 });
  }, 400_000);

  it('should leave nothing after a kill before the commit, and the retry should create exactly one (F2)', async () => {
    const lease = { IDEMPOTENCY_LEASE_MS: '1000' };
    let baseUrl = await start({ FAULT_HOOK: 'exit-before-commit', ...lease });
    const token = await tokenOf({ baseUrl }, 'vn.officer');
    const agency = await agencyOf(baseUrl, token, 'FR-CA');
    const key = randomUUID();
    await expect(createWithKey(baseUrl, token, key, agency)).rejects.toThrow();
    await stop();

    baseUrl = await start(lease);
    expect(await counts(baseUrl)).toEqual({ requests: [], created: 0 });
    // The dead attempt's claim outlives it only until its lease runs out.
    let retry = await createWithKey(baseUrl, token, key, agency);
    for (let attempt = 0; retry.status === 409 && attempt < 20; attempt += 1) {
      expect(Number(retry.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      await new Promise((resolve) => setTimeout(resolve, 250));
      retry = await createWithKey(baseUrl, token, key, agency);
    }
    expect(retry.status).toBe(201);
    const created = JSON.parse(retry.text) as { id: string };
    expect(await counts(baseUrl)).toEqual({ requests: [created.id], created: 1 });
    expect((await createWithKey(baseUrl, token, key, agency)).text).toBe(retry.text);
    expect(await counts(baseUrl)).toEqual({ requests: [created.id], created: 1 });
  }, 400_000);
});
