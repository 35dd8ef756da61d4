import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Schemas } from '@mla/api-client';
import { Session } from '../api';
import { fakeFetch } from '../test/fake-api';
import { fakeSession, renderInPortal } from '../test/render';
import { EvidenceSection } from './EvidenceSection';

const REQUEST_ID = '0b8f6a0e-5a8c-4c1e-9d55-3f3c2b9b7a10';
const HASH = 'ccaf1f93f5fab30e51c37ab2defbe239f3cb750a56cfbab332ca677c0efd63dd';

const item = (over: Partial<Schemas['EvidenceDto']> = {}): Schemas['EvidenceDto'] => ({
  id: '11111111-1111-4111-8111-111111111111',
  requestId: REQUEST_ID,
  fileName: 'export.zip',
  size: 20_000,
  sha256: HASH,
  mediaType: 'application/zip',
  declaredMediaType: 'application/zip',
  description: null,
  origin: {},
  uploadedById: 'u2',
  uploadedByAgencyId: 'a2',
  uploadedAt: '2026-11-20T09:30:00Z',
  packageId: null,
  retainUntil: '2036-11-20T09:30:00Z',
  legalHolds: [],
  integrity: 'intact',
  lastVerifiedAt: null,
  disposedAt: null,
  disposalReason: null,
  ...over,
});

const me = (stateCode: string): Schemas['MeDto'] =>
  ({
    id: 'u2',
    username: 'fr.executing',
    displayName: 'Exec',
    role: 'executing_officer',
    permissions: ['evidence.read', 'evidence.download', 'evidence.upload'],
    agency: { id: 'a2', code: `${stateCode}-CA`, name: 'CA', kind: 'central_authority', stateCode },
  }) as unknown as Schemas['MeDto'];

const request = {
  id: REQUEST_ID,
  status: 'in_execution' as const,
  requestedAgency: {
    id: 'a2',
    code: 'FR-CA',
    name: 'French central authority',
    stateCode: 'FR',
    kind: 'central_authority' as const,
    timeZone: 'Europe/Paris',
    active: true,
  },
  requestingAgency: {
    id: 'a1',
    code: 'VN-C50',
    name: 'C50',
    stateCode: 'VN',
    kind: 'competent_authority' as const,
    timeZone: 'Asia/Ho_Chi_Minh',
    active: true,
  },
};

/** An XMLHttpRequest the test drives: what was sent, and the progress and answer it reports. */
class FakeXhr {
  static last: FakeXhr | undefined;
  readonly headers: Record<string, string> = {};
  readonly upload = new EventTarget();
  private readonly events = new EventTarget();
  method = '';
  url = '';
  body: unknown;
  status = 0;
  responseText = '';
  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  addEventListener(type: string, listener: EventListener) {
    this.events.addEventListener(type, listener);
  }
  send(body: unknown) {
    this.body = body;
  }
  progress(loaded: number, total: number) {
    const event = Object.assign(new Event('progress'), { lengthComputable: true, loaded, total });
    this.upload.dispatchEvent(event);
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.events.dispatchEvent(new Event('load'));
  }
}

function renderSection(
  items: Schemas['EvidenceDto'][],
  stateCode = 'FR',
  packages: unknown[] = [],
  acknowledge: (body: unknown) => unknown = () => undefined,
) {
  const api = fakeFetch((call) => {
    if (call.path === `/v1/requests/${REQUEST_ID}/evidence-packages` && call.method === 'GET')
      return { status: 200, body: { items: packages } };
    if (call.path.endsWith('/acknowledgement')) return { status: 200, body: acknowledge(call.body) };
    if (call.path === `/v1/requests/${REQUEST_ID}/evidence`) return { status: 200, body: { items } };
    if (call.path.endsWith('/content')) return { status: 200, body: 'evidence bytes' };
    if (call.path.endsWith('/custody'))
      return {
        status: 200,
        body: {
          evidenceId: items[0]?.id,
          events: [
            {
              seq: 114,
              at: '2026-11-20T09:30:00Z',
              event: 'evidence.upload',
              outcome: 'success',
              actor: { userId: 'u2', agencyId: 'a2', role: 'executing_officer' },
              purpose: 'upload',
              sha256: HASH,
              details: {},
            },
          ],
        },
      };
    return undefined;
  });
  const storage = {
    getItem: () => JSON.stringify({ accessToken: 'access-1', refreshToken: 'refresh-1' }),
    setItem: () => undefined,
    removeItem: () => undefined,
  };
  const session = new Session(
    'http://portal.test',
    storage,
    api.fetch,
    FakeXhr as unknown as typeof XMLHttpRequest,
  );
  renderInPortal(<EvidenceSection request={request} me={me(stateCode)} />, session);
  return api;
}

describe('EvidenceSection', () => {
  afterEach(() => {
    FakeXhr.last = undefined;
  });

  it('lists each item with its size and SHA-256, and its custody trail on demand', async () => {
    const user = userEvent.setup();
    renderSection([item()], 'VN');
    expect((await screen.findByTestId('evidence-sha256')).textContent).toBe(HASH);
    expect(screen.getByText('20 kB')).toBeTruthy();
    // The requesting side downloads; it does not upload.
    expect(screen.queryByLabelText('Evidence file')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Custody' }));
    const trail = await screen.findByRole('list', { name: 'Custody trail of export.zip' });
    // The custody event and the role in words, never their codes.
    expect(within(trail).getByText('Uploaded')).toBeTruthy();
    expect(trail.textContent).toContain('by executing officer');
    expect(trail.textContent).not.toMatch(/evidence\.upload|executing_officer/);
    // On the user's clock, and on the counterpart agency's (France, for Viet Nam's officer).
    expect(within(trail).getByText(/^\(FR-CA: .*(CET|GMT\+1)\)$/)).toBeTruthy();
    expect(within(trail).getByText(/audit entry 114/)).toBeTruthy();
  });

  it('uploads with a progress bar and shows the hash the portal computed', async () => {
    const user = userEvent.setup();
    renderSection([]);
    await screen.findByText('No evidence received yet.');
    const file = new File(['evidence bytes'], 'export.zip', { type: 'application/zip' });
    await user.upload(screen.getByLabelText('Evidence file'), file);
    await user.click(screen.getByRole('button', { name: 'Upload' }));

    const xhr = FakeXhr.last;
    expect(xhr?.method).toBe('POST');
    expect(xhr?.url).toBe(`http://portal.test/v1/requests/${REQUEST_ID}/evidence`);
    expect(xhr?.headers.Authorization).toBe('Bearer access-1');
    expect(xhr?.headers['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
    expect((xhr?.body as FormData).get('file')).toBeInstanceOf(File);

    act(() => xhr?.progress(40, 100));
    const bar = screen.getByRole('progressbar', { name: 'Upload progress' });
    expect(bar.getAttribute('value')).toBe('40');
    act(() =>
      xhr?.answer(201, {
        evidence: item(),
        receipt: { receipt: {}, signature: { algorithm: 'Ed25519', keyId: 'key-1', value: 'c2ln' } },
      }),
    );
    await waitFor(() => expect(screen.getByTestId('upload-sha256').textContent).toBe(HASH));
    expect(screen.getByRole('progressbar', { name: 'Upload progress' }).getAttribute('value')).toBe('100');
    expect(screen.getByText(/Signed receipt \(key key-1\)/)).toBeTruthy();
  });

  it('says why an upload was refused', async () => {
    const user = userEvent.setup();
    renderSection([]);
    await screen.findByText('No evidence received yet.');
    await user.upload(screen.getByLabelText('Evidence file'), new File(['x'], 'a.txt'));
    await user.click(screen.getByRole('button', { name: 'Upload' }));
    act(() =>
      FakeXhr.last?.answer(409, {
        statusCode: 409,
        code: 'evidence.upload_not_allowed',
        message: 'Evidence cannot be uploaded now',
        correlationId: 'c',
      }),
    );
    await waitFor(() =>
      expect(screen.getByText('The upload failed: Evidence cannot be uploaded now')).toBeTruthy(),
    );
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('is absent for a role that may not read evidence, and asks nothing', async () => {
    const api = fakeFetch(() => undefined);
    renderInPortal(
      <EvidenceSection request={request} me={{ ...me('VN'), permissions: ['request.read'] }} />,
      fakeSession(api.fetch),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.queryByRole('heading', { name: 'Evidence' })).toBeNull();
    expect(api.calls).toEqual([]);
  });

  it('offers the requested side to seal what is not yet delivered', async () => {
    const user = userEvent.setup();
    const api = renderSection([item()]);
    await user.click(await screen.findByRole('button', { name: 'Seal and deliver' }));
    await waitFor(() => expect(api.calls.some((call) => call.method === 'POST')).toBe(true));
    const post = api.calls.find((call) => call.method === 'POST');
    expect(post?.path).toBe(`/v1/requests/${REQUEST_ID}/evidence-packages`);
    expect(post?.body).toEqual({ final: false });
  });

  it('acknowledges a package with the hashes the requesting side computed itself', async () => {
    const user = userEvent.setup();
    const content = JSON.stringify('evidence bytes');
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(content));
    const hash = [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
    const sealed = {
      id: '22222222-2222-4222-8222-222222222222',
      requestId: REQUEST_ID,
      sequence: 1,
      final: false,
      status: 'sealed',
      sealedAt: '2026-11-21T10:00:00Z',
      sealedById: 'u2',
      manifest: { items: [{ id: item().id, fileName: 'export.zip', sha256: hash }] },
      signature: { algorithm: 'Ed25519', keyId: 'key-1', value: 'c2ln' },
      acknowledgedAt: null,
      acknowledgement: null,
    };
    const api = renderSection([item({ sha256: hash, packageId: sealed.id })], 'VN', [sealed], () => ({
      ...sealed,
      status: 'acknowledged',
      acknowledgement: [{ id: item().id, sha256: hash, matches: true }],
    }));
    // The requesting side neither uploads nor seals.
    expect(screen.queryByRole('button', { name: 'Seal and deliver' })).toBeNull();
    await user.click(await screen.findByRole('button', { name: 'Acknowledge package 1' }));
    await waitFor(() =>
      expect(screen.getByText('Receipt acknowledged: every hash matches the manifest.')).toBeTruthy(),
    );
    const post = api.calls.find((call) => call.path.endsWith('/acknowledgement'));
    expect(post?.body).toEqual({ items: [{ id: item().id, sha256: hash }] });
  });

  it('downloads with the bearer token and compares the file’s hash with the recorded one', async () => {
    const user = userEvent.setup();
    // The fake API answers JSON: the file's bytes are the JSON text of the answer.
    const content = JSON.stringify('evidence bytes');
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(content));
    const hash = [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
    const createObjectURL = vi.fn(() => 'blob:portal/1');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const api = renderSection([item({ sha256: hash })], 'VN');
    api.calls.length = 0;
    await user.click(await screen.findByRole('button', { name: 'Download export.zip' }));
    await waitFor(() => expect(screen.getByTestId('download-sha256').textContent).toBe(hash));
    expect(screen.getByText(/its SHA-256 matches the one recorded/)).toBeTruthy();
    expect(click).toHaveBeenCalledTimes(1);
    expect(createObjectURL).toHaveBeenCalledTimes(1);
    const call = api.calls.find((c) => c.path.endsWith('/content'));
    expect(call?.headers.get('Authorization')).toBe('Bearer access-1');
    click.mockRestore();
  });
});
