import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { mlaRequestBody } from '../support/factories';
import { DEMO_PASSWORD, type DemoUser } from '../support/test-app';

/**
 * A load of acknowledged writes for the fault suites, and the checks that every one of them survived
 * the fault with its audit entry. Raw fetch with bearer tokens: a portal restarted under the load
 * keeps its sessions (they live in the database), and each call is timed, so a hang shows.
 */

const VERIFIER = resolve(__dirname, '../../scripts/verify-audit.mjs');

export const LOAD_USERS = ['vn.officer', 'vn.supervisor', 'vn.central', 'auditor'] as const;
export type LoadUser = (typeof LOAD_USERS)[number];
export type Tokens = Record<LoadUser, string>;

/** One write step of a request's life, in order; `message` is a note posted once it is transmitted. */
const STEPS = ['create', 'submit', 'approve', 'transmit', 'message'] as const;
type Step = (typeof STEPS)[number];
const ACTOR: Record<Step, LoadUser> = {
  create: 'vn.officer',
  submit: 'vn.officer',
  approve: 'vn.supervisor',
  transmit: 'vn.central',
  message: 'vn.officer',
};

/** A write the portal answered 2xx: it must be there after any fault, with its audit entry. */
export interface Ack {
  step: Step;
  requestId: string;
  /** The request's version the answer reported (lifecycle steps). */
  version?: number;
  messageId?: string;
}

export interface Call {
  step: Step;
  /** The HTTP status, or 0 when no answer came (connection refused or reset, time-out). */
  status: number;
  code?: string;
  retryAfter?: string | null;
  ms: number;
  at: number;
}

export async function loginAll(baseUrl: string): Promise<Tokens> {
  const tokens = {} as Tokens;
  for (const user of LOAD_USERS) tokens[user] = await login(baseUrl, user);
  return tokens;
}

export async function login(baseUrl: string, user: DemoUser): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: user, password: DEMO_PASSWORD }),
  });
  if (response.status !== 200 && response.status !== 201)
    throw new Error(`login as ${user} answered ${response.status}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

export async function api<T = unknown>(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = 30_000,
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      // Creates, transitions and uploads require one (docs/reliability.md); a fresh key is a new effect.
      ...(method === 'POST' ? { 'Idempotency-Key': randomUUID() } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : undefined) as T,
    headers: response.headers,
  };
}

/** The id of the agency with this code (FR-CA: the French central authority the loads send to). */
export async function agencyIdByCode(baseUrl: string, token: string, code: string): Promise<string> {
  const agencies = await api<Array<{ id: string; code: string }>>(baseUrl, token, 'GET', '/v1/agencies');
  const id = agencies.body.find((agency) => agency.code === code)?.id;
  if (!id) throw new Error(`no agency ${code} (GET /v1/agencies answered ${agencies.status})`);
  return id;
}

/**
 * `concurrency` workers, each carrying requests through create → submit → approve → transmit →
 * message, against `baseUrls` in turn, until stopped. A failed step abandons that request (its
 * state is whatever the portal committed) and the worker starts a new one.
 */
export class WriteLoad {
  readonly acks: Ack[] = [];
  readonly calls: Call[] = [];
  readonly requestIds = new Set<string>();
  private running = false;
  private workers: Array<Promise<void>> = [];

  constructor(
    private readonly baseUrls: readonly string[],
    private readonly tokens: Tokens,
    private readonly requestedAgencyId: string,
    private readonly options: { concurrency: number; pauseAfterFailureMs?: number; maxRequests?: number },
  ) {}

  start(): this {
    this.running = true;
    this.workers = Array.from({ length: this.options.concurrency }, (_, index) => this.worker(index));
    return this;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  /** Resolves once `count` more writes have been acknowledged since the call. */
  async acknowledged(count: number, timeoutMs = 60_000): Promise<void> {
    const target = this.acks.length + count;
    const until = Date.now() + timeoutMs;
    while (this.acks.length < target) {
      if (Date.now() > until) throw new Error(`only ${this.acks.length} of ${target} writes acknowledged`);
      await sleep(20);
    }
  }

  private async worker(index: number): Promise<void> {
    let round = 0;
    while (this.running) {
      if (this.options.maxRequests !== undefined && this.requestIds.size >= this.options.maxRequests) {
        await sleep(50);
        continue;
      }
      round += 1;
      let requestId: string | undefined;
      for (const [stepIndex, step] of STEPS.entries()) {
        // With several instances, one request's steps go through each in turn.
        const baseUrl = this.baseUrls[(index + round + stepIndex) % this.baseUrls.length];
        if (!this.running && step !== 'create') break;
        if (!this.running) return;
        const ok = await this.step(baseUrl, step, requestId, (id) => (requestId = id));
        if (!ok) {
          await sleep(this.options.pauseAfterFailureMs ?? 50);
          break;
        }
      }
    }
  }

  private async step(
    baseUrl: string,
    step: Step,
    requestId: string | undefined,
    created: (id: string) => void,
  ): Promise<boolean> {
    const at = Date.now();
    const [method, path, body] =
      step === 'create'
        ? ['POST', '/v1/requests', mlaRequestBody(this.requestedAgencyId, { reference: `LOAD-${at}` })]
        : step === 'message'
          ? ['POST', `/v1/requests/${requestId}/messages`, { kind: 'note', body: `note at ${at}` }]
          : ['POST', `/v1/requests/${requestId}/transitions`, { action: step }];
    try {
      const answer = await api<{ id: string; version?: number; code?: string }>(
        baseUrl,
        this.tokens[ACTOR[step]],
        method,
        path,
        body,
      );
      this.calls.push({
        step,
        status: answer.status,
        code: answer.body?.code,
        retryAfter: answer.headers.get('retry-after'),
        ms: Date.now() - at,
        at,
      });
      if (answer.status < 200 || answer.status >= 300) return false;
      if (step === 'create') {
        created(answer.body.id);
        this.requestIds.add(answer.body.id);
        this.acks.push({ step, requestId: answer.body.id, version: answer.body.version });
      } else if (step === 'message') {
        this.acks.push({ step, requestId: requestId as string, messageId: answer.body.id });
      } else {
        this.acks.push({ step, requestId: requestId as string, version: answer.body.version });
      }
      return true;
    } catch {
      this.calls.push({ step, status: 0, ms: Date.now() - at, at });
      return false;
    }
  }
}

interface AuditEvent {
  seq: number;
  action: string;
  target: { type: string; id: string | null };
  data: Record<string, unknown>;
}

/** Every audit entry of one request, in seq order. */
export async function auditOf(baseUrl: string, token: string, requestId: string): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let cursor: string | null = null;
  do {
    const query: URLSearchParams = new URLSearchParams({
      requestId,
      limit: '100',
      ...(cursor ? { cursor } : {}),
    });
    const page: { status: number; body: { items: AuditEvent[]; nextCursor: string | null } } = await api<{
      items: AuditEvent[];
      nextCursor: string | null;
    }>(baseUrl, token, 'GET', `/v1/audit/events?${query.toString()}`);
    if (page.status !== 200) throw new Error(`audit events answered ${page.status}`);
    events.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return events.sort((a, b) => a.seq - b.seq);
}

/**
 * The survivors' check after a fault: every acknowledged write is there with its audit entry, and
 * every request the load touched agrees with its audit trail (its version is the number of its
 * lifecycle entries, its status the last one's `to`; each of its notes has exactly one entry and
 * each entry its note): nothing half-done, whatever the fault interrupted. Returns the problems.
 */
export async function checkAcknowledged(baseUrl: string, tokens: Tokens, load: WriteLoad): Promise<string[]> {
  const problems: string[] = [];
  const acksByRequest = new Map<string, Ack[]>();
  for (const ack of load.acks)
    acksByRequest.set(ack.requestId, [...(acksByRequest.get(ack.requestId) ?? []), ack]);
  for (const requestId of load.requestIds) {
    const request = await api<{ status: string; version: number }>(
      baseUrl,
      tokens['vn.officer'],
      'GET',
      `/v1/requests/${requestId}`,
    );
    if (request.status !== 200) {
      problems.push(`${requestId}: acknowledged create, but GET answers ${request.status}`);
      continue;
    }
    const events = await auditOf(baseUrl, tokens.auditor, requestId);
    const lifecycle = events.filter(
      (event) =>
        event.target.type === 'request' && /^request\.(create|submit|approve|transmit)$/.test(event.action),
    );
    const versions = lifecycle.map((event) =>
      event.action === 'request.create' ? 1 : Number(event.data.version),
    );
    const expected = Array.from({ length: request.body.version }, (_, i) => i + 1);
    if (JSON.stringify(versions) !== JSON.stringify(expected))
      problems.push(
        `${requestId}: version ${request.body.version}, audit has versions ${versions.join(',')}`,
      );
    const last = lifecycle[lifecycle.length - 1];
    const lastTo = last?.action === 'request.create' ? 'draft' : last?.data.to;
    if (lastTo !== request.body.status)
      problems.push(`${requestId}: status ${request.body.status}, last audited ${String(lastTo)}`);
    const acks = acksByRequest.get(requestId) ?? [];
    for (const ack of acks) {
      if (ack.version !== undefined && !versions.includes(ack.version))
        problems.push(`${requestId}: acknowledged ${ack.step} (version ${ack.version}) is missing`);
    }
    const messages = await api<{ items: Array<{ id: string; kind: string }> }>(
      baseUrl,
      tokens['vn.officer'],
      'GET',
      `/v1/requests/${requestId}/messages?limit=100`,
    );
    const notes = new Set(
      (messages.status === 200 ? messages.body.items : [])
        .filter((message) => message.kind === 'note')
        .map((message) => message.id),
    );
    const audited = events
      .filter((event) => event.action === 'message.create')
      .map((event) => event.target.id);
    for (const ack of acks.filter((candidate) => candidate.step === 'message')) {
      if (!notes.has(ack.messageId as string))
        problems.push(`${requestId}: acknowledged note ${ack.messageId} is missing`);
    }
    for (const id of audited)
      if (!notes.has(id as string)) problems.push(`${requestId}: audited note ${id} has no message`);
    for (const id of notes)
      if (!audited.includes(id)) problems.push(`${requestId}: note ${id} has no audit entry`);
  }
  return problems;
}

/** The portal's own replay (GET /v1/audit/verify) and the standalone verifier on a fresh export. */
export async function verifyAuditLog(
  baseUrl: string,
  auditorToken: string,
): Promise<{
  online: { ok: boolean; checked: number; problem?: string };
  offline: { status: number | null; output: string };
}> {
  const online = await api<{ ok: boolean; checked: number; problem?: string }>(
    baseUrl,
    auditorToken,
    'GET',
    '/v1/audit/verify',
  );
  const dir = mkdtempSync(join(tmpdir(), 'mla-rel-verify-'));
  try {
    const exported = await fetch(`${baseUrl}/v1/audit/export`, {
      headers: { Authorization: `Bearer ${auditorToken}` },
    });
    if (exported.status !== 200) throw new Error(`export answered ${exported.status}`);
    writeFileSync(join(dir, 'export.ndjson'), await exported.text());
    writeFileSync(
      join(dir, 'keys.json'),
      await (await fetch(`${baseUrl}/.well-known/mla-portal/keys`)).text(),
    );
    const run = spawnSync(
      process.execPath,
      [VERIFIER, join(dir, 'export.ndjson'), '--keys', join(dir, 'keys.json'), '--json'],
      { encoding: 'utf8' },
    );
    return { online: online.body, offline: { status: run.status, output: `${run.stdout}${run.stderr}` } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Polls readiness until it answers 200; the milliseconds it took, or throws after `timeoutMs`. */
export async function untilReady(baseUrl: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const ok = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ok) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`not ready within ${timeoutMs} ms`);
}

/** Summary of the calls for the report line: counts by status and the slowest answer. */
export function summary(calls: readonly Call[]): string {
  const byStatus = new Map<number, number>();
  for (const call of calls) byStatus.set(call.status, (byStatus.get(call.status) ?? 0) + 1);
  const slowest = Math.max(0, ...calls.map((call) => call.ms));
  return `${[...byStatus].map(([status, count]) => `${status || 'no answer'}×${count}`).join(' ')}, slowest ${slowest} ms`;
}
