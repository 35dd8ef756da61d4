import { describe, expect, it } from 'vitest';
import { Session } from './api';
import { fakeFetch } from './test/fake-api';

const TOKENS = { tokenType: 'Bearer', expiresIn: 900, restriction: null };

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
    items,
  };
}

const signedIn = () =>
  memoryStorage({ 'mla-portal.session': JSON.stringify({ accessToken: 'old', refreshToken: 'r1' }) });

describe('Session', () => {
  it('answers a 401 by refreshing once and replaying the call with the new token', async () => {
    const api = fakeFetch((call) => {
      if (call.path === '/v1/auth/refresh')
        return { status: 200, body: { ...TOKENS, accessToken: 'new', refreshToken: 'r2' } };
      if (call.headers.get('Authorization') === 'Bearer new')
        return { status: 200, body: { items: [], nextCursor: null } };
      return {
        status: 401,
        body: { statusCode: 401, code: 'auth.unauthenticated', message: 'x', correlationId: 'c' },
      };
    });
    const storage = signedIn();
    const session = new Session('http://portal.test', storage, api.fetch);
    const { data } = await session.client.GET('/v1/requests');
    expect(data).toEqual({ items: [], nextCursor: null });
    expect(api.calls.map((call) => call.path)).toEqual(['/v1/requests', '/v1/auth/refresh', '/v1/requests']);
    expect(api.calls[1]?.body).toEqual({ refreshToken: 'r1' });
    expect(session.getState()).toEqual({ status: 'signed-in' });
    expect(JSON.parse(storage.items.get('mla-portal.session') ?? '{}')).toEqual({
      accessToken: 'new',
      refreshToken: 'r2',
    });
  });

  it('ends the session (expired) when the refresh token is refused too', async () => {
    const api = fakeFetch(() => ({
      status: 401,
      body: { statusCode: 401, code: 'auth.unauthenticated', message: 'x', correlationId: 'c' },
    }));
    const storage = signedIn();
    const session = new Session('http://portal.test', storage, api.fetch);
    const changes: unknown[] = [];
    session.subscribe(() => changes.push(session.getState()));
    const { response } = await session.client.GET('/v1/requests');
    expect(response.status).toBe(401);
    expect(api.calls.map((call) => call.path)).toEqual(['/v1/requests', '/v1/auth/refresh']);
    expect(changes).toEqual([{ status: 'signed-out', reason: 'expired' }]);
    expect(storage.items.has('mla-portal.session')).toBe(false);
  });

  it('reports a second factor the account needs without starting a session', async () => {
    const api = fakeFetch(() => ({
      status: 401,
      body: { statusCode: 401, code: 'auth.mfa_required', message: 'x', correlationId: 'c' },
    }));
    const session = new Session('http://portal.test', memoryStorage(), api.fetch);
    expect(await session.login('fr.central', 'pw')).toEqual({ ok: false, code: 'mfa_required' });
    expect(api.calls[0]?.body).toEqual({ username: 'fr.central', password: 'pw' });
    expect(session.getState()).toEqual({ status: 'signed-out' });
  });

  it('sends a recovery code in place of the TOTP code when that is what the user gave', async () => {
    const api = fakeFetch(() => ({ status: 200, body: { ...TOKENS, accessToken: 'a', refreshToken: 'r' } }));
    const session = new Session('http://portal.test', memoryStorage(), api.fetch);
    expect(await session.login('fr.central', 'pw', { recoveryCode: 'abcd-efgh-ijkl-mnop' })).toEqual({
      ok: true,
    });
    expect(api.calls[0]?.body).toEqual({
      username: 'fr.central',
      password: 'pw',
      recoveryCode: 'abcd-efgh-ijkl-mnop',
    });
  });

  it('signs a restricted session in: the application takes it to the account screen', async () => {
    const api = fakeFetch(() => ({
      status: 200,
      body: { ...TOKENS, restriction: 'password_change', accessToken: 'a', refreshToken: 'r' },
    }));
    const storage = memoryStorage();
    const session = new Session('http://portal.test', storage, api.fetch);
    expect(await session.login('de.officer', 'temporary')).toEqual({ ok: true });
    expect(session.getState()).toEqual({ status: 'signed-in' });
    expect(storage.items.has('mla-portal.session')).toBe(true);
  });

  it.each(['auth.step_up_required', 'auth.invalid_credentials'])(
    'returns a 401 %s as it is: no refresh, no replay, the session goes on',
    async (code) => {
      const api = fakeFetch(() => ({
        status: 401,
        body: { statusCode: 401, code, message: 'x', correlationId: 'c' },
      }));
      const session = new Session('http://portal.test', signedIn(), api.fetch);
      const { error, response } = await session.client.POST('/v1/auth/step-up', { body: { totp: '123456' } });
      expect(response.status).toBe(401);
      expect(error?.code).toBe(code);
      // One call: a replayed wrong code would count twice towards the lockout.
      expect(api.calls.map((call) => call.path)).toEqual(['/v1/auth/step-up']);
      expect(session.getState()).toEqual({ status: 'signed-in' });
    },
  );

  it('keeps the session when the call, replayed with a fresh token, needs a step-up', async () => {
    const api = fakeFetch((call) => {
      if (call.path === '/v1/auth/refresh')
        return { status: 200, body: { ...TOKENS, accessToken: 'new', refreshToken: 'r2' } };
      const code =
        call.headers.get('Authorization') === 'Bearer new' ? 'auth.step_up_required' : 'auth.unauthenticated';
      return { status: 401, body: { statusCode: 401, code, message: 'x', correlationId: 'c' } };
    });
    const session = new Session('http://portal.test', signedIn(), api.fetch);
    const { error } = await session.client.POST('/v1/auth/mfa/recovery-codes');
    expect(error?.code).toBe('auth.step_up_required');
    expect(api.calls.map((call) => call.path)).toEqual([
      '/v1/auth/mfa/recovery-codes',
      '/v1/auth/refresh',
      '/v1/auth/mfa/recovery-codes',
    ]);
    expect(session.getState()).toEqual({ status: 'signed-in' });
  });
});
