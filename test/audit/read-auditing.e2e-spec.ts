import type { ApiClient } from '@mla/api-client';
import { acceptedRequest, fire, postFile, tokenOf } from '../evidence/support';
import { agencyId, mlaRequestBody, ok } from '../support/factories';
import { createTestApp, type DemoUser, type TestApp } from '../support/test-app';

interface Entry {
  seq: number;
  /** The action. */
  type: string;
  outcome: string;
  actor: { user: string; agency: string; role: string } | null;
  target: { type: string; id: string | null; request: string | null };
  data: Record<string, unknown>;
}

/** Issue 6 item 5: who read which request, message, evidence metadata and audit data, in the same log. */
describe('Reads recorded in the audit log', () => {
  let t: TestApp;
  let frCentralAuthority: string;
  const clients = new Map<DemoUser, { client: ApiClient; userId: string; agencyId: string }>();

  beforeAll(async () => {
    t = await createTestApp();
    frCentralAuthority = await agencyId(await t.as('vn.officer'), 'FR-CA');
  });
  afterAll(() => t?.close());

  /** A logged-in client and who it is, fetched before any mark so the login is not counted. */
  async function as(user: DemoUser) {
    let known = clients.get(user);
    if (!known) {
      const client = await t.as(user);
      const me = ok(await client.GET('/v1/auth/me'));
      known = { client, userId: me.id, agencyId: me.agency.id };
      clients.set(user, known);
    }
    return known;
  }

  async function head(): Promise<number> {
    const [row] = await t.dataSource.query<Array<{ seq: string }>>(
      'SELECT "seq" FROM "audit_head" WHERE "id" = 1',
    );
    return Number(row?.seq);
  }

  /** The entries `action` wrote, exactly as hashed. */
  async function entriesOf(action: () => Promise<unknown>): Promise<Entry[]> {
    const mark = await head();
    await action();
    const rows = await t.dataSource.query<Array<{ body: string }>>(
      'SELECT "body" FROM "audit_entry" WHERE "seq" > $1 ORDER BY "seq"',
      [mark],
    );
    return rows.map((row) => JSON.parse(row.body) as Entry);
  }

  async function transmitted(): Promise<string> {
    const officer = (await as('vn.officer')).client;
    const id = ok(await officer.POST('/v1/requests', { body: mlaRequestBody(frCentralAuthority) })).id;
    await fire(officer, id, 'submit');
    await fire((await as('vn.supervisor')).client, id, 'approve');
    await fire((await as('vn.central')).client, id, 'transmit');
    return id;
  }

  it('should record one view of a request with who read it, and no view when the read is denied', async () => {
    const id = await transmitted();
    const officer = await as('vn.officer');
    let version = 0;
    const viewed = await entriesOf(async () => {
      version = ok(await officer.client.GET('/v1/requests/{id}', { params: { path: { id } } })).version;
    });
    expect(viewed).toEqual([
      expect.objectContaining({
        type: 'request.view',
        outcome: 'success',
        actor: expect.objectContaining({
          user: officer.userId,
          agency: officer.agencyId,
          role: 'liaison_officer',
        }),
        target: { type: 'request', id, request: id },
        data: { version },
      }),
    ]);

    // Another state's officer gets a 404: recorded as a probe, not as a view, and not on the request.
    const german = await as('de.officer');
    const denied = await entriesOf(async () => {
      const answer = await german.client.GET('/v1/requests/{id}', { params: { path: { id } } });
      expect(answer.response.status).toBe(404);
    });
    expect(denied).toEqual([
      expect.objectContaining({
        type: 'request.access_denied',
        outcome: 'denied',
        actor: expect.objectContaining({ user: german.userId }),
        target: { type: 'request', id, request: null },
      }),
    ]);
  });

  it('should record one entry per page of requests, naming the ids returned and no content', async () => {
    await transmitted();
    await transmitted();
    const officer = await as('vn.officer');
    let ids: string[] = [];
    let title = '';
    const listed = await entriesOf(async () => {
      const page = ok(await officer.client.GET('/v1/requests', { params: { query: { limit: 2 } } }));
      ids = page.items.map((item) => item.id);
      title = page.items[0]?.title ?? '';
    });
    expect(ids).toHaveLength(2);
    expect(listed).toEqual([
      expect.objectContaining({
        type: 'request.list',
        outcome: 'success',
        actor: expect.objectContaining({ user: officer.userId }),
        target: { type: 'request', id: null, request: null },
        data: { filter: { limit: '2' }, returned: 2, items: ids },
      }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(title);
  });

  it('should record reading the messages of a request, by id', async () => {
    const id = await transmitted();
    const central = await as('fr.central');
    const posted = ok(
      await central.client.POST('/v1/requests/{id}/messages', {
        params: { path: { id } },
        body: { kind: 'status_enquiry', body: 'Where do we stand?' },
      }),
    );
    const read = await entriesOf(async () => {
      ok(await central.client.GET('/v1/requests/{id}/messages', { params: { path: { id } } }));
    });
    expect(read).toEqual([
      expect.objectContaining({
        type: 'message.list',
        actor: expect.objectContaining({ user: central.userId }),
        target: { type: 'request', id, request: id },
        data: { returned: 1, items: [posted.id] },
      }),
    ]);
    expect(JSON.stringify(read)).not.toContain('Where do we stand?');
  });

  it('should record reading evidence metadata, its receipt and its custody trail, once each', async () => {
    const requestId = await acceptedRequest(t);
    const upload = await postFile(
      t,
      await tokenOf(t, 'fr.executing'),
      requestId,
      Buffer.from('%PDF-1.4 read auditing'),
      'statement.pdf',
    );
    expect(upload.status).toBe(201);
    const evidenceId = ((await upload.json()) as { evidence: { id: string } }).evidence.id;
    const executing = await as('fr.executing');
    const path = { params: { path: { id: evidenceId } } };
    const reads: Array<[string, () => Promise<unknown>, string]> = [
      ['evidence.view', () => executing.client.GET('/v1/evidence/{id}', path), 'evidence'],
      [
        'evidence_receipt.view',
        () => executing.client.GET('/v1/evidence/{id}/receipt', path),
        'evidence_receipt',
      ],
      [
        'evidence_custody.view',
        () => executing.client.GET('/v1/evidence/{id}/custody', path),
        'evidence_custody',
      ],
    ];
    for (const [action, read, targetType] of reads) {
      const written = await entriesOf(async () =>
        ok((await read()) as { data?: unknown; response: Response }),
      );
      expect(written).toEqual([
        expect.objectContaining({
          type: action,
          outcome: 'success',
          actor: expect.objectContaining({ user: executing.userId }),
          target: { type: targetType, id: evidenceId, request: requestId },
        }),
      ]);
    }
    // The trail shows the metadata view, not the reading of the trail itself.
    const trail = ok(await executing.client.GET('/v1/evidence/{id}/custody', path));
    expect(trail.events.map((event) => event.event)).toEqual(['evidence.upload', 'evidence.view']);
  });

  it('should record auditors reading events, checkpoints and proofs, each checkpoint taken before its own entry', async () => {
    const auditor = await as('auditor');
    let seqs: number[] = [];
    const events = await entriesOf(async () => {
      const page = ok(await auditor.client.GET('/v1/audit/events', { params: { query: { limit: 5 } } }));
      seqs = page.items.map((entry) => entry.seq);
    });
    expect(seqs).toHaveLength(5);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'audit.read',
        actor: expect.objectContaining({ user: auditor.userId, role: 'auditor' }),
        target: { type: 'audit_log', id: null, request: null },
        data: expect.objectContaining({ returned: 5, items: seqs }),
      }),
    ]);

    const before = await head();
    let treeSize = 0;
    const checkpoint = await entriesOf(async () => {
      treeSize = ok(await auditor.client.GET('/v1/audit/checkpoints/latest')).treeSize;
    });
    expect(treeSize).toBe(before);
    expect(checkpoint).toEqual([
      expect.objectContaining({
        seq: before + 1,
        type: 'audit_checkpoint.view',
        actor: expect.objectContaining({ user: auditor.userId }),
        target: { type: 'audit_checkpoint', id: String(before), request: null },
        data: expect.objectContaining({ treeSize: before }),
      }),
    ]);

    const inclusion = await entriesOf(async () =>
      ok(
        await auditor.client.GET('/v1/audit/proofs/inclusion', {
          params: { query: { seq: 1, treeSize } },
        }),
      ),
    );
    expect(inclusion).toEqual([
      expect.objectContaining({
        type: 'audit_inclusion_proof.view',
        actor: expect.objectContaining({ user: auditor.userId }),
        data: { seq: 1, treeSize },
      }),
    ]);
    const consistency = await entriesOf(async () =>
      ok(
        await auditor.client.GET('/v1/audit/proofs/consistency', {
          params: { query: { from: 1, to: treeSize } },
        }),
      ),
    );
    expect(consistency).toEqual([
      expect.objectContaining({ type: 'audit_consistency_proof.view', data: { from: 1, to: treeSize } }),
    ]);
  });

  it('should keep reads out of the parties’ history and show them to auditors', async () => {
    const id = await transmitted();
    const path = { params: { path: { id } } };
    for (const user of ['vn.officer', 'fr.central'] as const) {
      const { client } = await as(user);
      ok(await client.GET('/v1/requests/{id}', path));
      ok(await client.GET('/v1/requests/{id}/messages', path));
      ok(await client.GET('/v1/requests/{id}/history', path));
    }
    for (const user of ['vn.officer', 'fr.central'] as const) {
      const history = ok(await (await as(user)).client.GET('/v1/requests/{id}/history', path));
      expect(history.items.length).toBeGreaterThan(0);
      expect(history.items.filter((entry) => /\.(view|list)$/.test(entry.action))).toEqual([]);
    }
    const auditor = await as('auditor');
    const trail = ok(await auditor.client.GET('/v1/audit/events', { params: { query: { requestId: id } } }));
    const reads = trail.items.filter((entry) => /\.(view|list)$/.test(entry.action));
    expect(reads.map((entry) => entry.action).sort()).toEqual(
      [
        ...['request.view', 'message.list', 'request_history.list'],
        ...['request.view', 'message.list', 'request_history.list'],
        // The two last history reads, by each side.
        ...['request_history.list', 'request_history.list'],
      ].sort(),
    );

    // Every read left the log intact.
    expect(ok(await auditor.client.GET('/v1/audit/verify'))).toMatchObject({ ok: true });
  });
});
