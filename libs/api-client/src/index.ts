import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths as SpecPaths } from './schema';

/**
 * The spec's paths, with `Idempotency-Key` optional where the spec requires it: the client's
 * middleware sends a fresh one on every POST, so a caller names one only to retry an operation.
 */
type RelaxedHeader<H> = Omit<H, 'Idempotency-Key'> & { 'Idempotency-Key'?: string };
type RelaxedParameters<P> = P extends { header: infer H }
  ? 'Idempotency-Key' extends keyof H
    ? Omit<P, 'header'> &
        (Record<never, never> extends Omit<H, 'Idempotency-Key'>
          ? { header?: RelaxedHeader<H> }
          : { header: RelaxedHeader<H> })
    : P
  : P;
type RelaxedOperation<O> = O extends { parameters: infer P }
  ? Omit<O, 'parameters'> & { parameters: RelaxedParameters<P> }
  : O;
export type paths = {
  [Path in keyof SpecPaths]: { [Method in keyof SpecPaths[Path]]: RelaxedOperation<SpecPaths[Path][Method]> };
};

export type { components };
export type Schemas = components['schemas'];
export type ApiClient = Client<paths>;

export interface ApiClientOptions {
  baseUrl: string;
  /** Access token; sent as `Authorization: Bearer …` on every call. */
  token?: string;
  /** API key of a system-to-system client; sent as `X-API-Key` on every call. */
  apiKey?: string;
  fetch?: typeof fetch;
}

/** A typed client of the portal's API: paths, bodies and responses come from the committed spec. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: options.fetch });
  // Like Stripe's SDKs: every POST carries a fresh Idempotency-Key unless the caller set one (to retry
  // an operation, send the same key again). The portal requires it on the POSTs that change cases.
  client.use({
    onRequest({ request }) {
      if (request.method === 'POST' && !request.headers.has('Idempotency-Key'))
        request.headers.set('Idempotency-Key', globalThis.crypto.randomUUID());
      return request;
    },
  });
  if (options.token) {
    const auth: Middleware = {
      onRequest({ request }) {
        request.headers.set('Authorization', `Bearer ${options.token}`);
        return request;
      },
    };
    client.use(auth);
  }
  if (options.apiKey) {
    const apiKey = options.apiKey;
    client.use({
      onRequest({ request }) {
        request.headers.set('X-API-Key', apiKey);
        return request;
      },
    });
  }
  return client;
}

/** Logs in and returns a client acting as that user. */
/** Logs in (with the current TOTP code or a recovery code where the account has a second factor). */
export async function login(
  baseUrl: string,
  username: string,
  password: string,
  secondFactor: { totp?: string; recoveryCode?: string } = {},
): Promise<ApiClient> {
  const anonymous = createApiClient({ baseUrl });
  const { data, error } = await anonymous.POST('/v1/auth/login', {
    body: { username, password, ...secondFactor },
  });
  if (!data) throw new Error(`login as ${username} failed: ${error?.code ?? 'unknown'}`);
  return createApiClient({ baseUrl, token: data.accessToken });
}
