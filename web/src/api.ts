import { createApiClient, type ApiClient, type Schemas } from '@mla/api-client';

export type Tokens = Pick<Schemas['TokenResponseDto'], 'accessToken' | 'refreshToken'>;
export type SessionState = { status: 'signed-in' } | { status: 'signed-out'; reason?: 'expired' | 'logout' };

/** The outcome of a login attempt the login page can show. */
export type LoginResult =
  { ok: true } | { ok: false; code: 'mfa_required' | 'invalid_credentials' | 'rate_limited' | 'failed' };

/** The second factor at login: the current code of the authenticator app, or one recovery code. */
export type SecondFactor = { totp: string } | { recoveryCode: string };

/**
 * 401 answers that are about what the caller just typed or must do next, not about the session's
 * token: a refresh would not change them, and replaying the call would count a wrong code twice
 * towards the lockout and then end a session that is still valid.
 */
const NOT_A_TOKEN_PROBLEM: ReadonlySet<string> = new Set([
  'auth.step_up_required',
  'auth.invalid_credentials',
  'auth.mfa_required',
]);

/** The status and parsed JSON body of an upload. */
export interface UploadAnswer {
  status: number;
  body: unknown;
}

const STORAGE_KEY = 'mla-portal.session';

/**
 * The signed-in user's tokens and the API client acting for them. The tokens live in memory; they
 * are mirrored to sessionStorage only so that a reload of the tab keeps the session (the tab's
 * storage, gone when it closes, never shared with another tab or written to disk by choice).
 *
 * A 401 on any call is answered once by exchanging the refresh token (POST /v1/auth/refresh, single
 * use, so concurrent 401s share one exchange) and replaying the call with the new access token; when
 * that fails too the session has ended and the application goes back to the login page.
 */
export class Session {
  readonly client: ApiClient;
  private readonly anonymous: ApiClient;
  private tokens: Tokens | null;
  private state: SessionState;
  private refreshing: Promise<boolean> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly baseUrl: string,
    private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null,
    private readonly fetchImpl: typeof fetch = (input, init) => globalThis.fetch(input, init),
    private readonly xhrImpl: typeof XMLHttpRequest = globalThis.XMLHttpRequest,
  ) {
    this.anonymous = createApiClient({ baseUrl, fetch: (input, init) => this.fetchImpl(input, init) });
    this.client = createApiClient({ baseUrl, fetch: (input, init) => this.send(new Request(input, init)) });
    this.tokens = readStored(storage);
    this.state = this.tokens ? { status: 'signed-in' } : { status: 'signed-out' };
  }

  getState = (): SessionState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  async login(username: string, password: string, secondFactor?: SecondFactor): Promise<LoginResult> {
    const { data, error, response } = await this.anonymous.POST('/v1/auth/login', {
      body: { username, password, ...secondFactor },
    });
    if (data) {
      // A restricted session (password change or enrolment first) signs in too: the application
      // reads the restriction from GET /v1/auth/me and opens the account screen, the one place where
      // such a session can do what the API asks of it.
      this.signIn(data);
      return { ok: true };
    }
    if (error?.code === 'auth.mfa_required') return { ok: false, code: 'mfa_required' };
    if (error?.code === 'auth.invalid_credentials') return { ok: false, code: 'invalid_credentials' };
    if (response.status === 429) return { ok: false, code: 'rate_limited' };
    return { ok: false, code: 'failed' };
  }

  async logout(): Promise<void> {
    // Revoke the server-side session first; the local tokens go whatever the answer.
    if (this.tokens) await this.client.POST('/v1/auth/logout', {}).catch(() => undefined);
    this.end('logout');
  }

  /**
   * A multipart upload with its progress: fetch reports none for a request body, so this one call
   * goes through XMLHttpRequest, with the same bearer token, a fresh Idempotency-Key (the API
   * requires one on every POST) and the same single refresh on a 401. `baseUrl`-relative `path`.
   */
  async upload(path: string, form: FormData, onProgress: (fraction: number) => void): Promise<UploadAnswer> {
    const key = crypto.randomUUID();
    let answer = await this.xhr(path, form, key, onProgress);
    if (answer.status === 401 && this.tokens) {
      if (!(await this.refresh())) {
        this.end('expired');
        return answer;
      }
      answer = await this.xhr(path, form, key, onProgress);
      if (answer.status === 401) this.end('expired');
    }
    return answer;
  }

  private xhr(
    path: string,
    form: FormData,
    key: string,
    onProgress: (fraction: number) => void,
  ): Promise<UploadAnswer> {
    return new Promise((resolve, reject) => {
      const request = new this.xhrImpl();
      request.open('POST', new URL(path, this.baseUrl).toString());
      if (this.tokens) request.setRequestHeader('Authorization', `Bearer ${this.tokens.accessToken}`);
      request.setRequestHeader('Idempotency-Key', key);
      request.setRequestHeader('Accept', 'application/json');
      request.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
      });
      request.addEventListener('load', () => {
        let body: unknown = undefined;
        try {
          body = request.responseText ? (JSON.parse(request.responseText) as unknown) : undefined;
        } catch {
          // Not JSON (a proxy's error page): the status says enough.
        }
        resolve({ status: request.status, body });
      });
      request.addEventListener('error', () => reject(new Error('network')));
      request.addEventListener('abort', () => reject(new Error('aborted')));
      request.send(form);
    });
  }

  private signIn(tokens: Tokens): void {
    this.tokens = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
    this.storage?.setItem(STORAGE_KEY, JSON.stringify(this.tokens));
    this.setState({ status: 'signed-in' });
  }

  private end(reason: 'expired' | 'logout'): void {
    this.tokens = null;
    this.storage?.removeItem(STORAGE_KEY);
    this.setState({ status: 'signed-out', reason });
  }

  private setState(state: SessionState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }

  private async send(request: Request): Promise<Response> {
    // Kept for the replay: a request's body can be read only once.
    const replay = request.clone();
    const response = await this.fetchImpl(this.authorized(request));
    if (response.status !== 401 || !this.tokens) return response;
    if (NOT_A_TOKEN_PROBLEM.has(await errorCode(response))) return response;
    if (!(await this.refresh())) {
      this.end('expired');
      return response;
    }
    const retried = await this.fetchImpl(this.authorized(replay));
    // The fresh token may meet an answer of its own (step-up required): that ends nothing.
    if (retried.status === 401 && !NOT_A_TOKEN_PROBLEM.has(await errorCode(retried))) this.end('expired');
    return retried;
  }

  private authorized(request: Request): Request {
    if (this.tokens) request.headers.set('Authorization', `Bearer ${this.tokens.accessToken}`);
    return request;
  }

  private refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      const refreshToken = this.tokens?.refreshToken;
      if (!refreshToken) return false;
      const { data } = await this.anonymous
        .POST('/v1/auth/refresh', { body: { refreshToken } })
        .catch(() => ({ data: undefined }));
      if (!data) return false;
      this.signIn(data);
      return true;
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }
}

/** The envelope's `code` of an error response, read from a copy (the caller still reads the body). */
async function errorCode(response: Response): Promise<string> {
  try {
    const body: unknown = await response.clone().json();
    return body && typeof body === 'object' && 'code' in body && typeof body.code === 'string'
      ? body.code
      : '';
  } catch {
    return '';
  }
}

function readStored(storage: Pick<Storage, 'getItem'> | null): Tokens | null {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(STORAGE_KEY) ?? 'null');
    if (
      parsed &&
      typeof parsed === 'object' &&
      'accessToken' in parsed &&
      'refreshToken' in parsed &&
      typeof parsed.accessToken === 'string' &&
      typeof parsed.refreshToken === 'string'
    )
      return { accessToken: parsed.accessToken, refreshToken: parsed.refreshToken };
  } catch {
    // A damaged entry is no session.
  }
  return null;
}
