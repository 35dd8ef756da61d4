import { agencyId, mlaRequestBody, ok } from '../support/factories';
import { createTestApp, type TestApp } from '../support/test-app';

interface AuditRow {
  seq: string;
  id: string;
  ts: Date;
  action: string;
  outcome: string;
  actor_user_id: string | null;
  actor_agency_id: string | null;
  actor_role: string | null;
  target_type: string;
  target_id: string | null;
  request_id: string | null;
  correlation_id: string | null;
  body: string;
  leaf_hash: string;
  chain_hash: string;
}

describe('The audit log', () => {
  let t: TestApp;
  let frCentralAuthority: string;

  beforeAll(async () => {
    t = await createTestApp();
    frCentralAuthority = await agencyId(await t.as('vn.officer'), 'FR-CA');
  });
  afterAll(() => t?.close());

  async function verify() {
    return ok(await (await t.as('auditor')).GET('/v1/audit/verify'));
  }

  /** Runs SQL as the database owner with the append-only triggers off, as an operator with full control could. */
  async function asOperator(sql: string, parameters: unknown[] = []): Promise<void> {
    await t.dataSource.transaction(async (manager) => {
      await manager.query('ALTER TABLE "audit_entry" DISABLE TRIGGER USER');
      await manager.query(sql, parameters);
      await manager.query('ALTER TABLE "audit_entry" ENABLE TRIGGER USER');
    });
  }

  it('should show auditors who did what, filtered by request and action, and nobody else', async () => {
    const officer = await t.as('vn.officer');
    const created = ok(await officer.POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) }));
    const auditor = await t.as('auditor');
    const page = ok(await auditor.GET('/v1/audit/events', { params: { query: { requestId: created.id } } }));
    const me = ok(await officer.GET('/v1/auth/me'));
    // Newest first: the author's assignment (need-to-know), written with the creation.
    expect(page.items.map((entry) => entry.action)).toEqual(['request.assigned', 'request.create']);
    expect(page.items[1]).toMatchObject({
      action: 'request.create',
      outcome: 'success',
      actor: { userId: me.id, agencyId: me.agency.id, role: 'liaison_officer' },
      target: { type: 'request', id: created.id },
      requestId: created.id,
      data: { type: 'mla_general', status: 'draft' },
    });
    // Case content never enters the log.
    expect(JSON.stringify(page.items)).not.toContain(created.factsSummary);

    for (const user of ['vn.officer', 'vn.central', 'fr.central', 'admin'] as const) {
      const denied = await (await t.as(user)).GET('/v1/audit/events');
      expect(denied.response.status).toBe(403);
    }
    // Each refusal is itself recorded.
    const refusals = ok(
      await auditor.GET('/v1/audit/events', { params: { query: { action: 'access.denied' } } }),
    );
    expect(refusals.items.filter((entry) => entry.target.id === 'AuditController.events')).toHaveLength(4);
    expect(refusals.items[0]).toMatchObject({
      outcome: 'denied',
      data: { permission: 'audit.read', method: 'GET' },
    });
    // The auditor's own reading was recorded too.
    const reads = ok(await auditor.GET('/v1/audit/events', { params: { query: { action: 'audit.read' } } }));
    expect(reads.items.length).toBeGreaterThan(0);
  });

  it('should record failed and successful logins, without keeping what was typed as a name', async () => {
    await t.anonymous.POST('/v1/auth/login', {
      body: { username: 'fr.central', password: 'wrong-password-123' },
    });
    await t.anonymous.POST('/v1/auth/login', {
      body: { username: 'Demo-Password-2026', password: 'oops-wrong-field' },
    });
    const auditor = await t.as('auditor');
    const failures = ok(
      await auditor.GET('/v1/audit/events', { params: { query: { action: 'auth.login_failed' } } }),
    );
    const [unknownName, wrongPassword] = failures.items;
    expect(wrongPassword).toMatchObject({
      outcome: 'failure',
      actor: null,
      target: { type: 'user' },
      data: { reason: 'wrong_password' },
    });
    expect(wrongPassword?.target.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(unknownName).toMatchObject({
      target: { type: 'user', id: null },
      data: { reason: 'unknown_user' },
    });
    expect(unknownName?.data.usernameHmac).toMatch(/^[0-9a-f]{64}$/);
    const everything = JSON.stringify(failures.items);
    for (const typed of [
      'wrong-password-123',
      'Demo-Password-2026',
      'demo-password-2026',
      'oops-wrong-field',
    ]) {
      expect(everything).not.toContain(typed);
    }
    const logins = ok(await auditor.GET('/v1/audit/events', { params: { query: { action: 'auth.login' } } }));
    expect(logins.items.length).toBeGreaterThan(0);
  });

  it('should record probing for requests one cannot see, without telling the prober', async () => {
    const created = ok(
      await (await t.as('vn.officer')).POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) }),
    );
    const german = await t.as('de.officer');
    expect(
      (await german.GET('/v1/requests/{id}', { params: { path: { id: created.id } } })).response.status,
    ).toBe(404);
    const denied = ok(
      await (
        await t.as('auditor')
      ).GET('/v1/audit/events', { params: { query: { action: 'request.access_denied' } } }),
    );
    expect(denied.items[0]).toMatchObject({
      outcome: 'denied',
      actor: { role: 'liaison_officer' },
      target: { type: 'request', id: created.id },
      requestId: null,
      data: { operation: 'RequestsController.get', method: 'GET' },
    });
  });

  it('should stay one unbroken sequence when many requests write at once', async () => {
    const users = ['vn.officer', 'vn.supervisor'] as const;
    const results = await Promise.all(
      Array.from({ length: 24 }, async (_, index) =>
        (await t.as(users[index % 2] ?? 'vn.officer')).POST('/v1/requests', {
          body: mlaRequestBody(frCentralAuthority, { reference: `CONCURRENT-${index}` }),
        }),
      ),
    );
    expect(results.every((result) => result.response.status === 201)).toBe(true);
    const rows: Array<{ seq: string }> = await t.dataSource.query(
      'SELECT "seq" FROM "audit_entry" ORDER BY "seq"',
    );
    expect(rows.map((row) => Number(row.seq))).toEqual(rows.map((_, index) => index + 1));
    const result = await verify();
    expect(result).toMatchObject({ ok: true });
    expect(result.checked).toBe(result.headSequence);
  });

  it('should refuse UPDATE, DELETE and TRUNCATE of the log in the database itself', async () => {
    for (const sql of [
      'UPDATE "audit_entry" SET "action" = \'x\' WHERE "seq" = 1',
      'DELETE FROM "audit_entry" WHERE "seq" = 1',
      'TRUNCATE "audit_entry"',
    ]) {
      await expect(t.dataSource.query(sql)).rejects.toThrow(/append-only/);
    }
    expect((await verify()).ok).toBe(true);
  });

  it('should report the first altered, removed or forged entry', async () => {
    const officer = await t.as('vn.officer');
    const created = ok(await officer.POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) }));
    ok(
      await officer.POST('/v1/requests/{id}/transitions', {
        params: { path: { id: created.id } },
        body: { action: 'submit' },
      }),
    );
    const [target]: AuditRow[] = await t.dataSource.query(
      'SELECT * FROM "audit_entry" WHERE "request_id" = $1 AND "action" = \'request.create\'',
      [created.id],
    );
    if (!target) throw new Error('no audit entry for the create');
    const seq = Number(target.seq);
    expect((await verify()).ok).toBe(true);

    // 1. A projected column changed (a different action), body and hashes left alone.
    await asOperator('UPDATE "audit_entry" SET "action" = \'request.approve\' WHERE "seq" = $1', [seq]);
    expect(await verify()).toMatchObject({
      ok: false,
      firstBadSequence: seq,
      problem: 'indexed columns differ from the hashed body',
    });
    await asOperator('UPDATE "audit_entry" SET "action" = $2 WHERE "seq" = $1', [seq, target.action]);
    expect((await verify()).ok).toBe(true);

    // 2. The hashed body rewritten (another actor), hashes left alone.
    const forgedBody = target.body.replace(
      target.actor_user_id ?? '',
      '00000000-0000-4000-8000-000000000000',
    );
    await asOperator('UPDATE "audit_entry" SET "body" = $2 WHERE "seq" = $1', [seq, forgedBody]);
    expect(await verify()).toMatchObject({
      ok: false,
      firstBadSequence: seq,
      problem: 'body does not match its leaf hash',
    });
    await asOperator('UPDATE "audit_entry" SET "body" = $2 WHERE "seq" = $1', [seq, target.body]);

    // 3. An entry deleted from the middle.
    await asOperator('DELETE FROM "audit_entry" WHERE "seq" = $1', [seq]);
    expect(await verify()).toMatchObject({ ok: false, firstBadSequence: seq, problem: 'sequence gap' });
    await asOperator(
      `INSERT INTO "audit_entry" ("seq", "id", "ts", "action", "outcome", "actor_user_id", "actor_agency_id", "actor_role",
         "target_type", "target_id", "request_id", "correlation_id", "body", "leaf_hash", "chain_hash")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        target.seq,
        target.id,
        target.ts,
        target.action,
        target.outcome,
        target.actor_user_id,
        target.actor_agency_id,
        target.actor_role,
        target.target_type,
        target.target_id,
        target.request_id,
        target.correlation_id,
        target.body,
        target.leaf_hash,
        target.chain_hash,
      ],
    );
    expect((await verify()).ok).toBe(true);

    // 4. A forged entry whose own hashes are recomputed consistently still breaks the chain after it.
    const { createHash } = await import('node:crypto');
    const leaf = createHash('sha256')
      .update(Buffer.from([0]))
      .update(forgedBody)
      .digest('hex');
    await asOperator('UPDATE "audit_entry" SET "body" = $2, "leaf_hash" = $3 WHERE "seq" = $1', [
      seq,
      forgedBody,
      leaf,
    ]);
    const forged = await verify();
    expect(forged.ok).toBe(false);
    expect(forged.firstBadSequence).toBe(seq);
    await asOperator('UPDATE "audit_entry" SET "body" = $2, "leaf_hash" = $3 WHERE "seq" = $1', [
      seq,
      target.body,
      target.leaf_hash,
    ]);
    expect((await verify()).ok).toBe(true);

    // 5. An entry slipped in beyond the head (it also blocks every later append), then the tail removed.
    const [last]: AuditRow[] = await t.dataSource.query(
      'SELECT * FROM "audit_entry" ORDER BY "seq" DESC LIMIT 1',
    );
    if (!last) throw new Error('empty log');
    const lastSeq = Number(last.seq);
    await asOperator(
      `INSERT INTO "audit_entry" ("seq", "id", "ts", "action", "outcome", "target_type", "body", "leaf_hash", "chain_hash")
       VALUES ($1, gen_random_uuid(), now(), 'request.approve', 'success', 'request', '{}', $2, $2)`,
      [lastSeq + 1, '0'.repeat(64)],
    );
    expect(await verify()).toMatchObject({
      ok: false,
      firstBadSequence: lastSeq + 1,
      problem: 'an entry lies beyond the log head',
    });
    await asOperator('DELETE FROM "audit_entry" WHERE "seq" >= $1', [lastSeq]);
    expect(await verify()).toMatchObject({ ok: false, firstBadSequence: lastSeq });
  });
});
