import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Schemas } from '@mla/api-client';
import { Session } from '../api';
import { I18nProvider } from '../i18n';
import { useLocation } from '../router';
import { SessionProvider } from '../session';
import { type Call, fakeFetch } from '../test/fake-api';
import { AuditPage } from './AuditPage';

/** A real proof from the transparency-dev vectors: leaf `leafIdx` of a tree of `treeSize`. */
const vector = JSON.parse(
  readFileSync(join(__dirname, '../../../test/fixtures/merkle/inclusion/4/happy-path.json'), 'utf8'),
) as { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] };
const hex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');

const ACTOR = '5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f';
const REQUEST = '0b8f6a0e-5a8c-4c1e-9d55-3f3c2b9b7a10';
const SEQ = vector.leafIdx + 1;

function event(seq: number, overrides: Partial<Schemas['AuditEventDto']> = {}): Schemas['AuditEventDto'] {
  return {
    seq,
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    ts: '2026-03-02T09:30:00.000Z',
    action: 'request.transmit',
    outcome: 'success',
    actor: {
      userId: ACTOR,
      agencyId: '00000000-0000-4000-8000-0000000000aa',
      role: 'central_authority_officer',
    },
    target: { type: 'request', id: REQUEST },
    requestId: REQUEST,
    correlationId: null,
    data: {},
    // Only SEQ's hash is the vector's; the others are never proved here.
    leafHash: seq === SEQ ? hex(vector.leafHash) : '00'.repeat(32),
    chainHash: '11'.repeat(32),
    redacted: false,
    ...overrides,
  };
}

/** The portal's signing key, and the checkpoint's signed note (C2SP) made with it. */
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
const noteText = `${ORIGIN}\n${vector.treeSize}\n${vector.root}\n`;
const noteSignature = Buffer.concat([keyHash, sign(null, Buffer.from(noteText), signing.privateKey)]);

const CHECKPOINT: Schemas['SignedAuditCheckpointDto'] = {
  treeSize: vector.treeSize,
  rootHash: vector.root,
  note: `${noteText}\n\u2014 portal.test ${noteSignature.toString('base64')}\n`,
  keyId: 'portal-2026',
  signedAt: '2026-03-02T10:00:00.000Z',
};

interface Options {
  permissions?: Schemas['MeDto']['permissions'];
  verify?: Schemas['AuditVerificationDto'];
  proof?: string[];
  keys?: typeof KEYS;
}

function renderAudit(options: Options = {}) {
  const api = fakeFetch((call: Call) => {
    if (call.method !== 'GET') return undefined;
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
        const cursor = new URLSearchParams(call.search).get('cursor');
        return {
          status: 200,
          body: cursor
            ? { items: [event(1)], nextCursor: null }
            : { items: [event(3), event(SEQ, { action: 'request.approve' })], nextCursor: 'page-2' },
        };
      }
      case '/.well-known/mla-portal/keys':
        return { status: 200, body: options.keys ?? KEYS };
      case '/v1/audit/checkpoints/latest':
        return { status: 200, body: CHECKPOINT };
      case '/v1/audit/verify':
        return { status: 200, body: options.verify };
      case '/v1/audit/proofs/inclusion':
        return {
          status: 200,
          body: {
            seq: SEQ,
            leafIndex: SEQ - 1,
            treeSize: vector.treeSize,
            leafHash: vector.leafHash,
            proof: options.proof ?? vector.proof,
            rootHash: vector.root,
          },
        };
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
    const [byActor] = await screen.findAllByRole('button', {
      name: `Show only entries by central_authority_officer ${ACTOR}`,
    });
    await user.click(byActor!);
    await waitFor(() => expect(eventCalls(api.calls).at(-1)).toEqual({ actorUserId: ACTOR, limit: '25' }));
    const [byRequest] = await screen.findAllByRole('button', {
      name: `Show only entries of request ${REQUEST}`,
    });
    await user.click(byRequest!);
    await waitFor(() =>
      expect(eventCalls(api.calls).at(-1)).toEqual({ actorUserId: ACTOR, requestId: REQUEST, limit: '25' }),
    );
    expect(screen.getByLabelText<HTMLInputElement>('Request (id)').value).toBe(REQUEST);
  });

  it('shows the latest signed checkpoint: size, root, when signed and by which key', async () => {
    renderAudit();
    await waitFor(() =>
      expect(screen.getByTestId('checkpoint-size').textContent).toBe(String(vector.treeSize)),
    );
    expect(screen.getByTestId('checkpoint-root').textContent).toBe(vector.root);
    expect(screen.getByText('portal-2026')).toBeTruthy();
    expect(document.querySelector('time[datetime="2026-03-02T10:00:00.000Z"]')).toBeTruthy();
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

  it("verifies an entry's inclusion proof in the browser against the checkpoint root", async () => {
    const user = userEvent.setup();
    const api = renderAudit();
    await waitFor(() =>
      expect(screen.getByTestId('checkpoint-size').textContent).toBe(String(vector.treeSize)),
    );
    await user.click(
      await screen.findByRole('button', { name: `Check the inclusion proof of entry ${SEQ}` }),
    );
    const result = await screen.findByTestId('proof-result');
    expect(result.getAttribute('role')).toBe('status');
    expect(result.textContent).toContain(`Entry ${SEQ}: proof verified against checkpoint root`);
    const asked = api.calls.find((call) => call.path === '/v1/audit/proofs/inclusion');
    expect(Object.fromEntries(new URLSearchParams(asked?.search))).toEqual({
      seq: String(SEQ),
      treeSize: String(vector.treeSize),
    });
  });

  it('reports a tampered proof as failing, as an alert', async () => {
    const user = userEvent.setup();
    const tampered = [...vector.proof];
    const bytes = Buffer.from(tampered[0]!, 'base64');
    bytes[31] = bytes[31]! ^ 0x80;
    tampered[0] = bytes.toString('base64');
    renderAudit({ proof: tampered });
    await waitFor(() =>
      expect(screen.getByTestId('checkpoint-size').textContent).toBe(String(vector.treeSize)),
    );
    await user.click(
      await screen.findByRole('button', { name: `Check the inclusion proof of entry ${SEQ}` }),
    );
    const result = await screen.findByTestId('proof-result');
    expect(result.getAttribute('role')).toBe('alert');
    expect(result.textContent).toBe(
      `Entry ${SEQ}: the proof does NOT verify against the checkpoint root: computed root does not match the root hash`,
    );
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
