import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Schemas } from '@mla/api-client';
import { Session } from '../api';
import { I18nProvider, type Translate } from '../i18n';
import fr from '../i18n/fr.json';
import { SessionProvider } from '../session';
import { type Call, fakeFetch } from '../test/fake-api';
import { AccountPage, policyReason } from './AccountPage';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const OTPAUTH = `otpauth://totp/MLA%20Portal:de.officer?secret=${SECRET}&issuer=MLA%20Portal&digits=6&period=30`;
const CODES = ['abcd-efgh-ijkl-mnop', 'qrst-uvwx-yz23-4567'];

function meWith(secondFactor: Partial<Schemas['MeDto']['secondFactor']> = {}): Schemas['MeDto'] {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    username: 'de.officer',
    displayName: 'Jonas Weber',
    role: 'liaison_officer',
    permissions: [],
    agency: {
      id: '00000000-0000-4000-8000-0000000000de',
      code: 'DE-BKA',
      name: 'Bundeskriminalamt',
      kind: 'competent_authority',
      stateCode: 'DE',
    },
    secondFactor: {
      enrolled: false,
      required: false,
      recoveryCodesLeft: 0,
      sessionRestriction: null,
      ...secondFactor,
    },
  };
}

const error = (status: number, code: string, details?: unknown) => ({
  status,
  body: { statusCode: status, code, message: 'x', correlationId: 'c', ...(details ? { details } : {}) },
});

function renderAccount(
  me: Schemas['MeDto'],
  respond: (call: Call) => ReturnType<Parameters<typeof fakeFetch>[0]>,
) {
  const api = fakeFetch((call) =>
    call.method === 'GET' && call.path === '/v1/auth/me' ? { status: 200, body: me } : respond(call),
  );
  const storage = new Map([['mla-portal.session', JSON.stringify({ accessToken: 'a', refreshToken: 'r' })]]);
  const session = new Session(
    'http://portal.test',
    {
      getItem: (key) => storage.get(key) ?? null,
      setItem: (key, value) => void storage.set(key, value),
      removeItem: (key) => void storage.delete(key),
    },
    api.fetch,
  );
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <SessionProvider session={session}>
      <QueryClientProvider client={queryClient}>
        <I18nProvider language="en">
          <AccountPage />
        </I18nProvider>
      </QueryClientProvider>
    </SessionProvider>,
  );
  return { api, session };
}

const posts = (calls: Call[]) => calls.filter((call) => call.method === 'POST');

async function fillPassword(current: string, next: string, repeat = next) {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText('Current password'), current);
  await user.type(screen.getByLabelText('New password'), next);
  await user.type(screen.getByLabelText('New password again'), repeat);
  return user;
}

describe('AccountPage', () => {
  it("shows the user's name, username, role and agency", async () => {
    renderAccount(meWith(), () => undefined);
    const profile = await screen.findByRole('region', { name: 'Profile' });
    expect(within(profile).getByText('Jonas Weber')).toBeTruthy();
    expect(within(profile).getByText('de.officer')).toBeTruthy();
    expect(within(profile).getByText('Liaison officer')).toBeTruthy();
    expect(within(profile).getByText('Bundeskriminalamt (DE-BKA, DE)')).toBeTruthy();
    // No restriction: no banner.
    expect(screen.queryByText(/An administrator has reset your password/)).toBeNull();
  });

  it("shows each of the password policy's reasons, translated, when the new password is refused", async () => {
    const { api } = renderAccount(meWith(), (call) =>
      call.path === '/v1/auth/password'
        ? error(400, 'validation.failed', [
            {
              field: 'newPassword',
              messages: [
                'newPassword must not contain your username',
                'newPassword is too easy to guess: it is a row of keys on the keyboard',
                'newPassword some reason this client does not know yet',
              ],
            },
          ])
        : undefined,
    );
    const user = await fillPassword('Demo-Password-2026', 'qwertyuiop-de.officer');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    const alert = await screen.findByText('The new password was refused:');
    const reasons = within(alert.parentElement as HTMLElement)
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(reasons).toEqual([
      'It must not contain your username.',
      'It is too easy to guess: it is a row of keys on the keyboard.',
      // Not hidden: shown as the API words it.
      'some reason this client does not know yet',
    ]);
    expect(screen.getByLabelText('New password').getAttribute('aria-invalid')).toBe('true');
    expect(posts(api.calls).map((call) => call.body)).toEqual([
      { currentPassword: 'Demo-Password-2026', newPassword: 'qwertyuiop-de.officer' },
    ]);
  });

  it('says when the current password is wrong, and that wrong attempts count towards the lockout', async () => {
    renderAccount(meWith(), (call) =>
      call.path === '/v1/auth/password'
        ? error(400, 'validation.failed', [
            { field: 'currentPassword', messages: ['currentPassword is not your current password'] },
          ])
        : undefined,
    );
    const user = await fillPassword('wrong', 'Seven horses drink from the Danube');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    await screen.findByText(/The current password is wrong\. Each wrong attempt counts/);
    expect(screen.getByLabelText('Current password').getAttribute('aria-invalid')).toBe('true');
  });

  it('sends nothing while the two new passwords differ', async () => {
    const { api } = renderAccount(meWith(), () => undefined);
    await fillPassword('Demo-Password-2026', 'Seven horses drink from the Danube', 'Seven horses');
    expect(screen.getByText('The two new passwords differ.')).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Change password' }).disabled).toBe(true);
    expect(posts(api.calls)).toEqual([]);
  });

  it('after a change, says that the other sessions were signed out and this one goes on', async () => {
    renderAccount(meWith(), (call) =>
      call.path === '/v1/auth/password' ? { status: 204, body: null } : undefined,
    );
    const user = await fillPassword('Demo-Password-2026', 'Seven horses drink from the Danube');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    await waitFor(() =>
      expect(screen.getAllByRole('status').map((status) => status.textContent)).toContain(
        'Your password has been changed. Every other session of your account (other browsers and devices) has been signed out; this one stays signed in.',
      ),
    );
    expect(screen.getByLabelText<HTMLInputElement>('Current password').value).toBe('');
  });

  it('enrols an authenticator: QR code and key shown, a code confirmed, the recovery codes shown once', async () => {
    const { api } = renderAccount(meWith(), (call) => {
      if (call.path === '/v1/auth/mfa/totp')
        return { status: 200, body: { secret: SECRET, otpauthUri: OTPAUTH } };
      if (call.path === '/v1/auth/mfa/totp/confirm')
        return (call.body as { code: string }).code === '123456'
          ? { status: 200, body: { recoveryCodes: CODES } }
          : error(400, 'validation.failed', [{ field: 'code', messages: ['code is not the current code'] }]);
      return undefined;
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Set up an authenticator app' }));

    const qr = await screen.findByRole('img', { name: 'QR code for your authenticator app' });
    // A real QR symbol: dark modules drawn, inside a quiet zone.
    expect(qr.querySelector('path')?.getAttribute('d')?.length).toBeGreaterThan(1000);
    expect(screen.getByText('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP')).toBeTruthy();
    // The focus follows the flow to its new step.
    expect(document.activeElement?.textContent).toBe('Scan the QR code');

    await user.type(screen.getByLabelText('Code shown by the app (6 digits)'), '654321');
    await user.click(screen.getByRole('button', { name: 'Confirm' }));
    await screen.findByText(/That is not the current code of this key/);

    await user.type(screen.getByLabelText('Code shown by the app (6 digits)'), '123456');
    await user.click(screen.getByRole('button', { name: 'Confirm' }));
    const list = await screen.findByRole('list', { name: 'Your recovery codes' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(CODES);
    expect(screen.getByText(/Store these codes now.*They will not be shown again/)).toBeTruthy();
    expect(screen.queryByRole('img', { name: 'QR code for your authenticator app' })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'I have stored them' }));
    expect(screen.queryByRole('list', { name: 'Your recovery codes' })).toBeNull();
    // The end is announced, and the focus goes back to where the flow began, not to the page's body.
    expect(screen.getAllByRole('status').map((node) => node.textContent)).toContain(
      'Authenticator app enrolled.',
    );
    expect(document.activeElement).toBe(
      screen.getByRole('button', { name: /Set up an authenticator app|Replace the authenticator app/ }),
    );
    expect(posts(api.calls).map((call) => [call.path, call.body])).toEqual([
      ['/v1/auth/mfa/totp', undefined],
      ['/v1/auth/mfa/totp/confirm', { code: '654321' }],
      ['/v1/auth/mfa/totp/confirm', { code: '123456' }],
    ]);
    // The account's state is read again (enrolled, codes left, any restriction lifted).
    await waitFor(() => expect(api.calls.filter((call) => call.path === '/v1/auth/me')).toHaveLength(2));
  });

  it('asks for a fresh authentication when the API wants one, then carries on', async () => {
    let steppedUp = false;
    const { api, session } = renderAccount(meWith({ enrolled: true, recoveryCodesLeft: 7 }), (call) => {
      if (call.path === '/v1/auth/step-up') {
        steppedUp = (call.body as { totp?: string }).totp === '246810';
        return steppedUp
          ? { status: 200, body: { validUntil: new Date().toISOString() } }
          : error(401, 'auth.invalid_credentials');
      }
      if (call.path === '/v1/auth/mfa/recovery-codes')
        return steppedUp
          ? { status: 200, body: { recoveryCodes: CODES } }
          : error(401, 'auth.step_up_required');
      return undefined;
    });
    const user = userEvent.setup();
    await screen.findByText('An authenticator app is set up for your account. Recovery codes left: 7.');
    await user.click(screen.getByRole('button', { name: 'New recovery codes' }));

    await screen.findByRole('heading', { name: 'Confirm it is you' });
    await user.type(screen.getByLabelText('Authentication code (6 digits)'), '111111');
    await user.click(screen.getByRole('button', { name: 'Confirm' }));
    await screen.findByText(/That is not right\. Each wrong attempt counts/);
    // A wrong code is an answer, not an expired session.
    expect(session.getState()).toEqual({ status: 'signed-in' });

    await user.type(screen.getByLabelText('Authentication code (6 digits)'), '246810');
    await user.click(screen.getByRole('button', { name: 'Confirm' }));
    const list = await screen.findByRole('list', { name: 'Your recovery codes' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    expect(posts(api.calls).map((call) => call.path)).toEqual([
      '/v1/auth/mfa/recovery-codes',
      '/v1/auth/step-up',
      '/v1/auth/step-up',
      '/v1/auth/mfa/recovery-codes',
    ]);
  });

  it('gives the focus back to the button that began the flow when it is cancelled', async () => {
    renderAccount(meWith({ enrolled: true, recoveryCodesLeft: 7 }), (call) =>
      call.path === '/v1/auth/mfa/totp' || call.path === '/v1/auth/mfa/recovery-codes'
        ? error(401, 'auth.step_up_required')
        : undefined,
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'New recovery codes' }));
    await screen.findByRole('heading', { name: 'Confirm it is you' });
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'New recovery codes' }));
    await user.click(screen.getByRole('button', { name: 'Replace the authenticator app' }));
    await screen.findByRole('heading', { name: 'Confirm it is you' });
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(document.activeElement).toBe(
      screen.getByRole('button', { name: 'Replace the authenticator app' }),
    );
  });

  it('offers a session that must change its password no second-factor action the API would refuse', async () => {
    renderAccount(
      meWith({ enrolled: true, recoveryCodesLeft: 7, sessionRestriction: 'password_change' }),
      () => undefined,
    );
    await screen.findByText('An authenticator app is set up for your account. Recovery codes left: 7.');
    expect(screen.getByText(/^Change your password first/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Replace the authenticator app' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'New recovery codes' })).toBeNull();
    // The password form is there, the one thing this session may do.
    expect(screen.getByRole('button', { name: 'Change password' })).toBeTruthy();
  });

  it("offers a recovery code in place of the app's code for the step-up", async () => {
    renderAccount(meWith({ enrolled: true, recoveryCodesLeft: 7 }), (call) =>
      call.path === '/v1/auth/mfa/totp' ? error(401, 'auth.step_up_required') : undefined,
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Replace the authenticator app' }));
    await user.click(await screen.findByRole('button', { name: 'Use a recovery code instead' }));
    expect(screen.getByLabelText('Recovery code')).toBeTruthy();
  });

  it('tells a restricted session what it must do first', async () => {
    renderAccount(meWith({ sessionRestriction: 'password_change' }), () => undefined);
    await screen.findByText(/An administrator has reset your password: choose a new one below/);
  });

  it("knows every reason the server's password policy can give (a French user reads none in English)", () => {
    const source = (path: string) => readFileSync(join(import.meta.dirname, '../../..', path), 'utf8');
    const policy = source('src/modules/users/password-policy.ts');
    const service = source('src/modules/auth/auth.service.ts');
    const warnings = [...policy.matchAll(/^\s+\w+: '([^']+)',$/gm)].map((match) => match[1] ?? '');
    const reasons = [
      ...[...policy.matchAll(/reasons\.push\('([^']+)'\)/g)].map((match) => match[1] ?? ''),
      ...[...service.matchAll(/reasons\.push\('([^']+)'\)/g)].map((match) => match[1] ?? ''),
      ...[...policy.matchAll(/`(must be at (?:least|most)) \$\{\w+\} characters long`/g)].map(
        (match) => `${match[1]} 12 characters long`,
      ),
      ...warnings.map((warning) => `is too easy to guess: ${warning}`),
      'is too easy to guess: it resembles commonly used passwords',
    ];
    // The extraction itself found what the policy says today.
    expect(warnings.length).toBeGreaterThanOrEqual(14);
    expect(reasons.length).toBeGreaterThanOrEqual(warnings.length + 5);
    const t: Translate = (key, values = {}) =>
      fr[key].replace(/\{(\w+)\}/g, (whole, name: string) => String(values[name] ?? whole));
    for (const reason of reasons) {
      const shown = policyReason(`newPassword ${reason}`, t);
      expect(shown).not.toContain(reason.replace(/^is too easy to guess: /, ''));
    }
  });
});
