import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Session } from '../api';
import { I18nProvider } from '../i18n';
import { SessionProvider } from '../session';
import { fakeFetch } from '../test/fake-api';
import { LoginPage } from './LoginPage';

const TOKENS = { tokenType: 'Bearer', expiresIn: 900, accessToken: 'a', refreshToken: 'r' };

/** An account with an authenticator: the password alone gets `auth.mfa_required`. */
function renderLogin(restriction: string | null = null) {
  const api = fakeFetch((call) => {
    const body = call.body as { totp?: string; recoveryCode?: string };
    if (body.totp === '123456' || body.recoveryCode === 'abcd-efgh-ijkl-mnop')
      return { status: 200, body: { ...TOKENS, restriction } };
    return {
      status: 401,
      body: {
        statusCode: 401,
        code: body.totp || body.recoveryCode ? 'auth.invalid_credentials' : 'auth.mfa_required',
        message: 'x',
        correlationId: 'c',
      },
    };
  });
  const session = new Session('http://portal.test', null, api.fetch);
  render(
    <SessionProvider session={session}>
      <I18nProvider language="en">
        <LoginPage />
      </I18nProvider>
    </SessionProvider>,
  );
  return { api, session };
}

async function enterPassword() {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText('Username'), 'fr.investigator');
  await user.type(screen.getByLabelText('Password'), 'Demo-Password-2026');
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
  return user;
}

describe('LoginPage', () => {
  it('asks for the code once the API says the account has a second factor, then signs in with it', async () => {
    const { api, session } = renderLogin();
    expect(screen.queryByLabelText('Authentication code (6 digits)')).toBeNull();
    const user = await enterPassword();
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Enter the code from your authenticator app.',
    );
    // The code field has the focus: the user types the code straight away.
    expect(document.activeElement).toBe(screen.getByLabelText('Authentication code (6 digits)'));
    await user.keyboard('123456{Enter}');
    expect(api.calls.map((call) => call.body)).toEqual([
      { username: 'fr.investigator', password: 'Demo-Password-2026' },
      { username: 'fr.investigator', password: 'Demo-Password-2026', totp: '123456' },
    ]);
    expect(session.getState()).toEqual({ status: 'signed-in' });
  });

  it('takes a recovery code instead of the code when the phone is not at hand', async () => {
    const { api, session } = renderLogin();
    const user = await enterPassword();
    await user.click(await screen.findByRole('button', { name: 'Use a recovery code instead' }));
    expect(screen.queryByLabelText('Authentication code (6 digits)')).toBeNull();
    expect(document.activeElement).toBe(screen.getByLabelText('Recovery code'));
    await user.keyboard(' abcd-efgh-ijkl-mnop {Enter}');
    expect(api.calls.at(-1)?.body).toEqual({
      username: 'fr.investigator',
      password: 'Demo-Password-2026',
      recoveryCode: 'abcd-efgh-ijkl-mnop',
    });
    expect(session.getState()).toEqual({ status: 'signed-in' });
  });

  it('signs a restricted session in (the application then opens the account screen)', async () => {
    const { session } = renderLogin('password_change');
    const user = await enterPassword();
    await user.type(await screen.findByLabelText('Authentication code (6 digits)'), '123456{Enter}');
    expect(session.getState()).toEqual({ status: 'signed-in' });
  });
});
