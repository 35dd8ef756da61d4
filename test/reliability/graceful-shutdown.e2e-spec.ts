import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { acceptedRequest, tokenOf } from '../evidence/support';
import { freePort, startPortal } from '../evidence/portal-process';
import { createTestDatabase, describeHeavy, type TestDatabase } from '../support/database';
import {
  api,
  checkAcknowledged,
  loginAll,
  summary,
  verifyAuditLog,
  WriteLoad,
  agencyIdByCode,
} from './support';

const MiB = 1024 * 1024;
const STARTUP_MS = 120_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * F14 / REL-06: SIGTERM to a real portal process during a load of writes. What was under way when
 * the signal came finishes and is answered (an upload still streaming included); what comes after
 * is refused or answered 503; the process exits 0 in time; nothing acknowledged is lost.
 */
describeHeavy(
  `SIGTERM during a load of writes (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'embedded'})`,
  () => {
    let database: TestDatabase;
    let child: ChildProcess | undefined;

    beforeAll(async () => {
      database = await createTestDatabase();
    }, 180_000);
    afterAll(async () => {
      child?.kill('SIGKILL');
      await database?.drop();
    });

    it('should finish in-flight requests, refuse new ones, exit 0 within SHUTDOWN_TIMEOUT_MS and lose nothing', async () => {
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const env = { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) };
      child = await startPortal(database, port, env, STARTUP_MS);
      const portal = { baseUrl };
      const tokens = await loginAll(baseUrl);
      const frCentralAuthority = await agencyIdByCode(baseUrl, tokens['vn.officer'], 'FR-CA');
      const evidenceRequest = await acceptedRequest(portal);
      const executing = await tokenOf(portal, 'fr.executing');

      // An upload under way when the signal comes, finished after it.
      const boundary = `term${randomBytes(8).toString('hex')}`;
      const size = 3 * MiB;
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="late.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
      const tail = `\r\n--${boundary}--\r\n`;
      const upload = request(`${baseUrl}/v1/requests/${evidenceRequest}/evidence`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${executing}`,
          'Idempotency-Key': randomUUID(),
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Content-Length': String(Buffer.byteLength(head) + size + Buffer.byteLength(tail)),
        },
      });
      const uploadAnswer = new Promise<number>((resolveAnswer) => {
        upload.on('response', (response) => {
          response.resume();
          resolveAnswer(response.statusCode ?? 0);
        });
        upload.on('error', () => resolveAnswer(0));
      });
      upload.write(head);
      upload.write(randomBytes(MiB));

      const load = new WriteLoad([baseUrl], tokens, frCentralAuthority, {
        concurrency: 6,
        maxRequests: 30,
      }).start();
      await load.acknowledged(15);

      const exit = new Promise<{ code: number | null; at: number }>((resolveExit) =>
        child?.once('exit', (code) => resolveExit({ code, at: performance.now() })),
      );
      const signalledAt = Date.now();
      const signalled = performance.now();
      child.kill('SIGTERM');
      // Readiness stops being 200 as soon as the signal is handled: refused (the listener is closed)
      // or 503 from the draining gate. Probes go out every 50 ms without waiting for each other (on the
      // embedded engine one admitted just before the signal waits behind the load for the session).
      const probes: Array<Promise<{ sentMs: number; status: number }>> = [];
      let notReady: { sentMs: number; status: number } | undefined;
      for (let attempt = 0; attempt < 100 && !notReady; attempt += 1) {
        const sentMs = performance.now() - signalled;
        const probe = fetch(`${baseUrl}/health/ready`).then(
          (response) => ({ sentMs, status: response.status }),
          () => ({ sentMs, status: 0 }),
        );
        void probe.then((result) => {
          if (result.status !== 200 && (!notReady || result.sentMs < notReady.sentMs)) notReady = result;
        });
        probes.push(probe);
        await sleep(50);
      }
      await Promise.all(probes);
      const readiness = notReady?.status ?? 200;
      const notReadyMs = notReady?.sentMs ?? Infinity;
      upload.write(randomBytes(MiB));
      await sleep(200);
      upload.end(Buffer.concat([randomBytes(MiB), Buffer.from(tail)]));
      const uploadStatus = await uploadAnswer;
      const exited = await exit;
      await load.stop();
      const exitMs = exited.at - signalled;

      expect(readiness === 0 || readiness === 503).toBe(true);
      expect(notReadyMs).toBeLessThan(2_000);
      expect(uploadStatus).toBe(201);
      expect(exited.code).toBe(0);
      expect(exitMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
      // Calls made well before the signal all got an answer; nothing answered 500.
      const before = load.calls.filter((call) => call.at < signalledAt - 200);
      expect(before.filter((call) => call.status === 0)).toEqual([]);
      expect(load.calls.filter((call) => call.status >= 500 && call.status !== 503)).toEqual([]);
      for (const call of load.calls.filter((candidate) => candidate.status === 503))
        expect(call.code).toBe('common.service_unavailable');

      const restarted = performance.now();
      child = await startPortal(database, port, env, STARTUP_MS);
      const restartMs = performance.now() - restarted;
      const fresh = await loginAll(baseUrl);
      expect(await checkAcknowledged(baseUrl, fresh, load)).toEqual([]);
      const { online, offline } = await verifyAuditLog(baseUrl, fresh.auditor);
      expect(online).toMatchObject({ ok: true });
      expect({ status: offline.status, output: offline.output }).toMatchObject({ status: 0 });
      const listed = await api<{ items: unknown[] }>(
        baseUrl,
        await tokenOf(portal, 'fr.executing'),
        'GET',
        `/v1/requests/${evidenceRequest}/evidence`,
      );
      expect(listed.body.items).toHaveLength(1);

      process.stdout.write(
        `SIGTERM (${database.engine}): exit 0 after ${Math.round(exitMs)} ms, readiness ${readiness || 'refused'} ${Math.round(notReadyMs)} ms after the signal, ` +
          `in-flight upload ${uploadStatus}; ${load.acks.length} writes acknowledged (${summary(load.calls)}); restart ${Math.round(restartMs)} ms\n`,
      );
    }, 300_000);
  },
);
