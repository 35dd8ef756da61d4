import { createHash, createPublicKey, randomUUID, verify } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type ApiClient, login, type Schemas } from '@mla/api-client';
import { agencyId, mlaRequestBody, ok, type RequestView } from '../support/factories';
import { DEMO_PASSWORD, type DemoUser, type TestApp } from '../support/test-app';

type Action = RequestView['allowedActions'][number];

export async function fire(
  client: ApiClient,
  id: string,
  action: Action,
  extra: Omit<Schemas['TransitionDto'], 'action'> = {},
): Promise<RequestView> {
  return ok(
    await client.POST('/v1/requests/{id}/transitions', {
      params: { path: { id } },
      body: { action, ...extra },
    }),
  );
}

/** A client with a session of its own, for suites whose fake clock outlives cached sessions. */
export function fresh(t: Pick<TestApp, 'baseUrl'>, user: DemoUser): Promise<ApiClient> {
  return login(t.baseUrl, user, DEMO_PASSWORD);
}

/** A request from Viet Nam to the French central authority, approved and ready to transmit. */
export async function readyRequest(t: Pick<TestApp, 'baseUrl'>): Promise<string> {
  const officer = await fresh(t, 'vn.officer');
  const draft = ok(
    await officer.POST('/v1/requests', { body: mlaRequestBody(await agencyId(officer, 'FR-CA')) }),
  );
  await fire(officer, draft.id, 'submit');
  await fire(await fresh(t, 'vn.supervisor'), draft.id, 'approve');
  return draft.id;
}

/** The same, transmitted by Viet Nam's central authority. */
export async function transmittedRequest(t: Pick<TestApp, 'baseUrl'>): Promise<string> {
  const id = await readyRequest(t);
  await fire(await fresh(t, 'vn.central'), id, 'transmit');
  return id;
}

/** The same, carried to `accepted` by the French central authority. */
export async function acceptedRequest(t: Pick<TestApp, 'baseUrl'>): Promise<string> {
  const id = await transmittedRequest(t);
  const frCentral = await fresh(t, 'fr.central');
  await fire(frCentral, id, 'acknowledge');
  await fire(frCentral, id, 'accept');
  return id;
}

/** A bearer token for raw HTTP calls (multipart, ranges) that the typed client does not make. */
export async function tokenOf(t: Pick<TestApp, 'baseUrl'>, user: DemoUser): Promise<string> {
  const response = await fetch(`${t.baseUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: user, password: DEMO_PASSWORD }),
  });
  const body = (await response.json()) as { accessToken: string };
  return body.accessToken;
}

/** Posts a file held in memory as multipart/form-data (small files; large ones use uploadEvidence). */
export async function postFile(
  t: TestApp,
  token: string,
  requestId: string,
  content: Buffer,
  fileName: string,
  fields: Record<string, string> = {},
  mediaType = 'application/octet-stream',
  idempotencyKey: string = randomUUID(),
): Promise<Response> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append('file', new Blob([content], { type: mediaType }), fileName);
  return fetch(`${t.baseUrl}/v1/requests/${requestId}/evidence`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Idempotency-Key': idempotencyKey },
    body: form,
  });
}

export const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** RFC 8785 canonical JSON, written independently of the portal's for the verification side. */
export function jcs(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${jcs(member)}`).join(',')}}`;
}

/** Checks a signed document with the key published at the well-known route, as a counterpart would. */
export async function verifiesWithPublishedKey(
  t: TestApp,
  document: unknown,
  signature: Schemas['SignatureDto'],
): Promise<boolean> {
  const published = (await (await fetch(`${t.baseUrl}/.well-known/mla-portal/keys`)).json()) as {
    keys: Array<{ keyId: string; publicKeyPem: string }>;
  };
  const key = published.keys.find((candidate) => candidate.keyId === signature.keyId);
  if (!key) return false;
  return verify(
    null,
    Buffer.from(jcs(document), 'utf8'),
    createPublicKey(key.publicKeyPem),
    Buffer.from(signature.value, 'base64'),
  );
}

/** Every stored object file under the evidence store's root. */
export async function storedObjects(dataDir: string): Promise<string[]> {
  const root = join(dataDir, 'evidence', 'objects');
  try {
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    const files: string[] = [];
    for (const entry of entries) if (entry.isFile()) files.push(join(entry.parentPath, entry.name));
    return files;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}
