import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Schemas } from '@mla/api-client';
import { Session } from '../api';
import { I18nProvider } from '../i18n';
import { useLocation } from '../router';
import { SessionProvider } from '../session';
import { auditBody, consistencyOf, leafOf, pathOf, rootOf } from '../audit/test-tree';
import { type Call, fakeFetch } from '../test/fake-api';
import { AuditPage } from './AuditPage';

/**
 * A log of five entries with bodies of their own, hashed as the server hashes them: the screen is
 * served genuine proofs (built by test-tree, not by the verifier under test) for the entries it lists.
 */
const ACTOR = '5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f';
const AGENCY = '00000000-0000-4000-8000-0000000000aa';
const REQUEST = '0b8f6a0e-5a8c-4c1e-9d55-3f3c2b9b7a10';
const SIZE = 5;
const SEQ = 2;
const BODIES = [1, 2, 3, 4, 5].map((seq) => auditBody(seq, seq === SEQ ? { type: 'request.approve' } : {}));
const LEAVES = BODIES.map(leafOf);
const b64 = (bytes: Buffer) => bytes.toString('base64');

/** The entry as GET /v1/audit/events lists it: the fields of its hashed body. */
function event(seq: number, overrides: Partial<Schemas['AuditEventDto']> = {}): Schemas['AuditEventDto'] {
  const body = JSON.parse(BODIES[seq - 1]!) as {
    id: string;
    ts: string;
    type: string;
    outcome: Schemas['AuditEventDto']['outcome'];
  };
  return {
    seq,
    id: body.id,
    ts: body.ts,
    action: body.type,
    outcome: body.outcome,
    actor: { userId: ACTOR, agencyId: AGENCY, role: 'central_authority_officer' },
    target: { type: 'request', id: REQUEST },
    requestId: REQUEST,
    correlationId: null,
    data: {},
    leafHash: LEAVES[seq - 1]!.toString('hex'),
    chainHash: '11'.repeat(32),
    redacted: false,
    ...overrides,
  };
}

/** The portal's signing key, and checkpoints' signed notes (C2SP) made with it. */
const ORIGIN = 'portal.test/audit';
const signing = generateKeyPairSync('ed25519');
const rawKey = signing.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
const keyHash = createHash('sha256')
  .update('portal.test\n')
  .update(Buffer.from([0x01]))
  .update(rawKey)
  .digest()
  .subarray(0, 4);
const KEYS = {
  name: 'portal.test',
  auditLogOrigin: ORIGIN,
  keys: [
    {
      keyId: 'portal-2026',
      algorithm: 'Ed25519',
      status: 'active',
      publicKey: rawKey.toString('base64'),
      publicKeyPem: '',
      noteVerifierKey: `portal.test+${keyHash.toString('hex')}+${Buffer.concat([Buffer.from([0x01]), rawKey]).toString('base64')}`,
    },
  ],
};

/** The signed checkpoint of the first `size` entries (or of `root`, to sign a rewritten history). */
function checkpointOf(
  size: number,
  root = b64(rootOf(LEAVES.slice(0, size))),
): Schemas['SignedAuditCheckpointDto'] {
  const text = `${ORIGIN}\n${size}\n${root}\n`;
  const signature = Buffer.concat([keyHash, sign(null, Buffer.from(text), signing.privateKey)]);
  return {
    treeSize: size,
    rootHash: root,
    note: `${text}\n\u2014 portal.test ${signature.toString('base64')}\n`,
    keyId: 'portal-2026',
    signedAt: '2026-03-02T10:00:00.000Z',
  };
}
const CHECKPOINT = checkpointOf(SIZE);

interface Options {
  permissions?: Schemas['MeDto']['permissions'];
  verify?: Schemas['AuditVerificationDto'];
  proof?: string[];
  body?: string;
  keys?: typeof KEYS;
  /** The checkpoints GET /v1/audit/checkpoints/latest answers, one per call, the last one repeated. */
  checkpoints?: Schemas['SignedAuditCheckpointDto'][];
  consistency?: string[];
  events?: { status: number; body: unknown };
}

function renderAudit(options: Options = {}) {
  const checkpoints = [...(options.checkpoints ?? [CHECKPOINT])];
  const api = fakeFetch((call: Call) => {
    if (call.method !== 'GET') return undefined;
    const query = new URLSearchParams(call.search);
    switch (call.path) {
      case '/v1/auth/me':
        return {
          status: 200,
          body: {
            id: 'u9',
            username: 'auditor',
            displayName: 'Ines Auditor',
            role: 'auditor',
            permissions: options.permissions ?? ['audit.read', 'audit.verify'],
            agency: { id: 'a9', code: 'EU-AUD', name: 'Audit', kind: 'central_authority', stateCode: 'EU' },
          },
        };
      case '/v1/audit/events': {
        if (options.events) return options.events;
        return {
          status: 200,
          body: query.get('cursor')
            ? { items: [event(1)], nextCursor: null }
            : { items: [event(3), event(SEQ)], nextCursor: 'page-2' },
        };
      }
      case '/.well-known/mla-portal/keys':
        return { status: 200, body: options.keys ?? KEYS };
      case '/v1/audit/checkpoints/latest':
        return { status: 200, body: checkpoints.length > 1 ? checkpoints.shift() : checkpoints[0] };
      case '/v1/audit/verify':
        return { status: 200, body: options.verify };
      case '/v1/audit/proofs/inclusion': {
        const seq = Number(query.get('seq'));
        const treeSize = Number(query.get('treeSize'));
        const leaves = LEAVES.slice(0, treeSize);
        return {
          status: 200,
          body: {
            seq,
            leafIndex: seq - 1,
            treeSize,
            leafHash: b64(LEAVES[seq - 1]!),
            body: options.body ?? BODIES[seq - 1],
            proof: options.proof ?? pathOf(seq - 1, leaves).map(b64),
            rootHash: b64(rootOf(leaves)),
          },
        };
      }
      case '/v1/audit/proofs/consistency': {
        const from = Number(query.get('from'));
        const to = Number(query.get('to'));
        return {
          status: 200,
          body: {
            from,
            to,
            proof: options.consistency ?? consistencyOf(from, LEAVES.slice(0, to)).map(b64),
            fromRoot: b64(rootOf(LEAVES.slice(0, from))),
            toRoot: b64(rootOf(LEAVES.slice(0, to))),
          },
        };
      }
      case '/v1/audit/export':
        return { status: 200, body: { type: 'checkpoint' } };
      default:
        return undefined;
    }
  });
  const session = new Session('http://portal.test', null, api.fetch);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  // The screen reads its filters from the address, as App gives them to it.
  function Routed() {
    const location = useLocation();
    return <AuditPage search={location.split('?')[1] ?? ''} />;
  }
  render(
    <SessionProvider session={session}>
      <QueryClientProvider client={queryClient}>
        <I18nProvider language="en">
          <Routed />
        </I18nProvider>
      </QueryClientProvider>
    </SessionProvider>,
  );
  return api;
}

const eventCalls = (calls: Call[]) =>
  calls
    .filter((call) => call.path === '/v1/audit/events')
    .map((call) => Object.fromEntries(new URLSearchParams(call.search)));

describe('AuditPage', () => {
  beforeEach(() => window.history.replaceState(null, '', '/audit'));
  afterEach(() => vi.restoreAllMocks());

  it('lists the entries, newest first, and pages on with the cursor', async () => {
    const user = userEvent.setup();
    const api = renderAudit();
    const table = await screen.findByRole('table', { name: 'Audit entries, newest first' });
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));
    expect(
      within(table)
        .getAllByRole('rowheader')
        .map((cell) => cell.textContent),
    ).toEqual(['3', String(SEQ)]);
    await user.click(screen.getByRole('button', { name: 'Show more' }));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(4));
    expect(eventCalls(api.calls)).toEqual([{ limit: '25' }, { limit: '25', cursor: 'page-2' }]);
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull();
  });

  it('sends the filters as the API names them, times as instants, and keeps them in the address', async () => {
    const user = userEvent.setup();
    const api = renderAudit();
    await screen.findByRole('table');
    await user.type(screen.getByLabelText('Actor (user id)'), ACTOR);
    await user.type(screen.getByLabelText('Action'), 'request.approve');
    await user.type(screen.getByLabelText('Request (id)'), REQUEST);
    // datetime-local is the user's own clock; the API gets the same instant in UTC.
    const from = screen.getByLabelText(/^From \(/);
    await user.type(from, '2026-03-01T08:00');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    await waitFor(() => expect(eventCalls(api.calls)).toHaveLength(2));
    expect(eventCalls(api.calls)[1]).toEqual({
      actorUserId: ACTOR,
      action: 'request.approve',
      requestId: REQUEST,
      from: new Date('2026-03-01T08:00').toISOString(),
      limit: '25',
    });
    expect(new URLSearchParams(window.location.search).get('action')).toBe('request.approve');

    // Cleared: the unfiltered list again (the page already read, not asked for twice), empty fields.
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(window.location.search).toBe(''));
    expect(screen.getByLabelText<HTMLInputElement>('Action').value).toBe('');
    expect(eventCalls(api.calls)).toHaveLength(2);
  });

  it('refuses a malformed filter before asking the API, and says why', async () => {
    const user = userEvent.setup();
    const api = renderAudit();
    await screen.findByRole('table');
    await user.type(screen.getByLabelText('Actor (user id)'), 'ana');
    await user.type(screen.getByLabelText('Action'), 'Transmit!');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    expect(screen.getByLabelText('Actor (user id)').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/Enter a full identifier/)).toBeTruthy();
    expect(screen.getByText('Enter an action such as request.transmit.')).toBeTruthy();
    expect(eventCalls(api.calls)).toHaveLength(1);
  });

  it("narrows to one actor, or one request, from an entry's row", async () => {
    const user = userEvent.setup();
    const api = renderAudit();
    await screen.findByRole('table');
    // Each name starts with the words the button shows (WCAG 2.5.3).
    const [byActor] = await screen.findAllByRole('button', {
      name: `central authority officer · ${ACTOR.slice(0, 8)}: show only entries by user ${ACTOR}`,
    });
    expect(byActor!.textContent).toBe(`central authority officer · ${ACTOR.slice(0, 8)}`);
    await user.click(byActor!);
    await waitFor(() => expect(eventCalls(api.calls).at(-1)).toEqual({ actorUserId: ACTOR, limit: '25' }));
    const [byRequest] = await screen.findAllByRole('button', {
      name: `${REQUEST.slice(0, 8)}: show only entries of request ${REQUEST}`,
    });
    await user.click(byRequest!);
    await waitFor(() =>
      expect(eventCalls(api.calls).at(-1)).toEqual({ actorUserId: ACTOR, requestId: REQUEST, limit: '25' }),
    );
    expect(screen.getByLabelText<HTMLInputElement>('Request (id)').value).toBe(REQUEST);
  });

  it('shows the latest signed checkpoint: size, root, when stored and by which key', async () => {
    renderAudit();
    await waitFor(() => expect(screen.getByTestId('checkpoint-size').textContent).toBe(String(SIZE)));
    expect(screen.getByTestId('checkpoint-root').textContent).toBe(CHECKPOINT.rootHash);
    expect(screen.getByText('portal-2026')).toBeTruthy();
    // The time is the database row's, which the signed note does not carry: labelled as such.
    const time = document.querySelector('time[datetime="2026-03-02T10:00:00.000Z"]');
    expect(time?.closest('dd')?.previousElementSibling?.textContent).toBe(
      'Stored at (not covered by the signature)',
    );
  });

  it("checks the checkpoint's signature here, with the key the portal publishes", async () => {
    renderAudit();
    await waitFor(() =>
      expect(screen.getByTestId('checkpoint-signature').textContent).toBe(
        `verified in this browser with the published key portal.test+${keyHash.toString('hex')}`,
      ),
    );
  });

  it('says so, as an alert, when the checkpoint is not signed by a published key', async () => {
    const other = generateKeyPairSync('ed25519')
      .publicKey.export({ format: 'der', type: 'spki' })
      .subarray(-32);
    const otherHash = createHash('sha256')
      .update('portal.test\n')
      .update(Buffer.from([0x01]))
      .update(other)
      .digest()
      .subarray(0, 4);
    const [published] = KEYS.keys;
    renderAudit({
      keys: {
        ...KEYS,
        keys: [
          {
            ...published!,
            noteVerifierKey: `portal.test+${otherHash.toString('hex')}+${Buffer.concat([Buffer.from([0x01]), other]).toString('base64')}`,
          },
        ],
      },
    });
    const alert = await within(await screen.findByTestId('checkpoint-signature')).findByRole('alert');
    expect(alert.textContent).toBe('does NOT verify: no signature by a published key');
  });

  it('says the log is valid when it verifies', async () => {
    const user = userEvent.setup();
    renderAudit({
      verify: { ok: true, checked: 42, headSequence: 42, headChainHash: 'aa', headRootHash: 'bb' },
    });
    await user.click(await screen.findByRole('button', { name: 'Verify the log' }));
    const status = await screen.findByTestId('verify-result');
    expect(status.getAttribute('role')).toBe('status');
    expect(status.textContent).toBe(
      'The log is valid: all 42 entries, up to entry 42, match their hashes and their chain.',
    );
  });

  it('names the first broken entry, as an alert, when the log does not verify', async () => {
    const user = userEvent.setup();
    renderAudit({
      verify: {
        ok: false,
        checked: 16,
        headSequence: 42,
        headChainHash: 'aa',
        headRootHash: 'bb',
        firstBadSequence: 17,
        problem: 'body does not match its leaf hash',
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Verify the log' }));
    const alert = await screen.findByTestId('verify-result');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toBe(
      'The log is broken at entry 17: body does not match its leaf hash. 16 entries verified before it.',
    );
  });

  it('offers no Verify button to a user without audit.verify', async () => {
    renderAudit({ permissions: ['audit.read'] });
    await screen.findByRole('button', { name: 'Export the log' });
    expect(screen.queryByRole('button', { name: 'Verify the log' })).toBeNull();
  });

  /** Clicks the Proof button of entry `seq` once the checkpoint is shown, and returns the outcome line. */
  async function askProof(seq = SEQ) {
    const user = userEvent.setup();
    await waitFor(() => expect(screen.getByTestId('checkpoint-size').textContent).not.toBe('…'));
    await user.click(
      await screen.findByRole('button', { name: `Proof of entry ${seq}: check it in this browser` }),
    );
    return screen.findByTestId('proof-result');
  }

  it("verifies an entry's signature, body and inclusion proof in the browser", async () => {
    const api = renderAudit();
    const result = await askProof();
    expect(result.getAttribute('role')).toBe('status');
    expect(result.textContent).toBe(
      `Entry ${SEQ}: verified in this browser. Its body hashes to its leaf, the row shows what the body says, ` +
        `and the proof leads to the root of the checkpoint signed by the published key (tree of ${SIZE} entries).`,
    );
    const asked = api.calls.find((call) => call.path === '/v1/audit/proofs/inclusion');
    expect(Object.fromEntries(new URLSearchParams(asked?.search))).toEqual({
      seq: String(SEQ),
      treeSize: String(SIZE),
    });
  });

  it('reports a tampered proof as failing, as an alert', async () => {
    const tampered = pathOf(SEQ - 1, LEAVES).map(b64);
    const bytes = Buffer.from(tampered[0]!, 'base64');
    bytes[31] = bytes[31]! ^ 0x80;
    tampered[0] = bytes.toString('base64');
    renderAudit({ proof: tampered });
    const result = await askProof();
    expect(result.getAttribute('role')).toBe('alert');
    expect(result.textContent).toBe(
      `Entry ${SEQ}: NOT verified. The inclusion proof does not verify: the computed root is not the signed root.`,
    );
  });

  it('does not call a good proof verified when the checkpoint it is checked against is not signed', async () => {
    // The root is the genuine one and the proof leads to it; only the note's signature is broken.
    const note = CHECKPOINT.note.replace(
      / ([A-Za-z0-9+/]{10})/,
      (_, sig: string) => ` ${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`,
    );
    renderAudit({ checkpoints: [{ ...CHECKPOINT, note }] });
    const result = await askProof();
    expect(result.getAttribute('role')).toBe('alert');
    expect(result.textContent).toBe(
      `Entry ${SEQ}: NOT verified. The checkpoint's signature does not verify: no signature by a published key.`,
    );
  });

  it('recomputes the leaf hash from the served body: a body that is not the hashed one fails', async () => {
    renderAudit({ body: BODIES[SEQ - 1]!.replace('"outcome":"success"', '"outcome":"denied"') });
    const result = await askProof();
    expect(result.getAttribute('role')).toBe('alert');
    expect(result.textContent).toBe(
      `Entry ${SEQ}: NOT verified. The inclusion proof does not verify: the entry's body does not hash to its listed leaf hash.`,
    );
  });

  it('fails when the row shows fields the hashed body does not say, though the hashes all agree', async () => {
    renderAudit({
      events: {
        status: 200,
        body: { items: [event(SEQ, { action: 'request.transmit' })], nextCursor: null },
      },
    });
    const result = await askProof();
    expect(result.getAttribute('role')).toBe('alert');
    expect(result.textContent).toBe(
      `Entry ${SEQ}: NOT verified. The inclusion proof does not verify: the row shows a "Action" the hashed body does not say.`,
    );
  });

  it('checks a refreshed checkpoint against the last verified one with a consistency proof', async () => {
    const user = userEvent.setup();
    const api = renderAudit({ checkpoints: [checkpointOf(3), checkpointOf(SIZE)] });
    await waitFor(() =>
      expect(screen.getByTestId('checkpoint-signature').textContent).toContain('verified in this browser'),
    );
    expect(screen.getByTestId('checkpoint-continuity').textContent).toBe(
      'first checkpoint seen on this screen: later ones are checked against it',
    );
    await user.click(screen.getByRole('button', { name: 'Get the latest checkpoint' }));
    const status = await within(screen.getByTestId('checkpoint-continuity')).findByRole('status');
    expect(status.textContent).toBe(
      `verified in this browser: the tree of ${SIZE} entries extends the tree of 3 (RFC 9162 consistency proof)`,
    );
    const asked = api.calls.find((call) => call.path === '/v1/audit/proofs/consistency');
    expect(Object.fromEntries(new URLSearchParams(asked?.search))).toEqual({ from: '3', to: String(SIZE) });
  });

  it('alerts when a refreshed checkpoint does not extend the last verified one', async () => {
    const user = userEvent.setup();
    // The newer checkpoint is genuinely signed, but over a history whose third entry was rewritten.
    const rewritten = [
      ...LEAVES.slice(0, 2),
      leafOf(auditBody(3, { outcome: 'denied' })),
      ...LEAVES.slice(3),
    ];
    renderAudit({
      checkpoints: [checkpointOf(3), checkpointOf(SIZE, b64(rootOf(rewritten)))],
      consistency: consistencyOf(3, rewritten).map(b64),
    });
    await waitFor(() =>
      expect(screen.getByTestId('checkpoint-signature').textContent).toContain('verified in this browser'),
    );
    await user.click(screen.getByRole('button', { name: 'Get the latest checkpoint' }));
    const alert = await within(screen.getByTestId('checkpoint-continuity')).findByRole('alert');
    expect(alert.textContent).toBe(
      `does NOT extend the tree of 3 entries already verified (new tree of ${SIZE}): the proof does not lead to the older root`,
    );
  });

  it('after Apply, moves focus to the results and says how many entries are shown', async () => {
    const user = userEvent.setup();
    renderAudit();
    await screen.findByRole('table');
    await waitFor(() => expect(screen.getByTestId('entries-shown').textContent).toBe('Entries shown: 2'));
    await user.type(screen.getByLabelText('Action'), 'request.approve');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    const caption = screen.getByText('Audit entries, newest first');
    await waitFor(() => expect(document.activeElement).toBe(caption));
    expect(caption.getAttribute('tabindex')).toBe('-1');
    expect(screen.getByTestId('entries-shown').getAttribute('role')).toBe('status');
  });

  it('says a malformed filter in the address was ignored', async () => {
    window.history.replaceState(null, '', '/audit?actorUserId=ana&action=request.transmit');
    const api = renderAudit();
    const notice = await screen.findByTestId('ignored-filters');
    expect(notice.textContent).toBe(
      'The address held a malformed filter, which was ignored: Actor (user id).',
    );
    await waitFor(() =>
      expect(eventCalls(api.calls)[0]).toEqual({ action: 'request.transmit', limit: '25' }),
    );
  });

  it("says what went wrong in the reader's words, not the server's code", async () => {
    renderAudit({
      events: {
        status: 403,
        body: { statusCode: 403, code: 'auth.forbidden', message: 'Forbidden', correlationId: 'c' },
      },
    });
    const alert = await screen.findByText(/^The entries could not be read/);
    expect(alert.textContent).toBe('The entries could not be read: your role may not do this.');
  });

  it('downloads the export through the client, as a blob saved under its name', async () => {
    const user = userEvent.setup();
    const created: Blob[] = [];
    // jsdom has no object URLs: recorded here, as the browser would hand them to the link.
    URL.createObjectURL = vi.fn((blob: Blob) => {
      created.push(blob);
      return 'blob:export';
    });
    URL.revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const api = renderAudit();
    await user.click(await screen.findByRole('button', { name: 'Export the log' }));
    await screen.findByText('Downloaded audit-export.ndjson.');
    expect(api.calls.filter((call) => call.path === '/v1/audit/export')).toHaveLength(1);
    expect(await created[0]?.text()).toBe('{"type":"checkpoint"}');
    expect(click).toHaveBeenCalledTimes(1);
    expect(click.mock.contexts[0]).toBeInstanceOf(HTMLAnchorElement);
    expect((click.mock.contexts[0] as HTMLAnchorElement).download).toBe('audit-export.ndjson');
  });
});
