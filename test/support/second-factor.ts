import { generateSync } from 'otplib';
import { createApiClient, type ApiClient } from '@mla/api-client';
import { ok } from './factories';
import { DEMO_PASSWORD, type FakeClock, type TestApp } from './test-app';

/** The code an authenticator app shows at the portal's (fake) time. */
export const codeAt = (secret: string, clock: FakeClock): string =>
  generateSync({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });

/** Moves to the start of the next 30-second step, so a new code exists and the last one is spent. */
export const nextStep = (clock: FakeClock): void => clock.advance(30_000 - (clock.now().getTime() % 30_000));

export interface Enrolled {
  secret: string;
  recoveryCodes: string[];
}

/** Enrols a demo user's TOTP through the API, as the user would, and moves past the code it used. */
export async function enrol(t: TestApp, clock: FakeClock, username: string): Promise<Enrolled> {
  const session = ok(
    await t.anonymous.POST('/v1/auth/login', { body: { username, password: DEMO_PASSWORD } }),
  );
  const client = createApiClient({ baseUrl: t.baseUrl, token: session.accessToken });
  const { secret } = ok(await client.POST('/v1/auth/mfa/totp'));
  const { recoveryCodes } = ok(
    await client.POST('/v1/auth/mfa/totp/confirm', { body: { code: codeAt(secret, clock) } }),
  );
  nextStep(clock);
  return { secret, recoveryCodes };
}

/** A fresh session with both factors (each call spends the current step's code, so it moves on first). */
export async function loginWithCode(
  t: TestApp,
  clock: FakeClock,
  username: string,
  secret: string,
  password = DEMO_PASSWORD,
): Promise<ApiClient> {
  nextStep(clock);
  const session = ok(
    await t.anonymous.POST('/v1/auth/login', {
      body: { username, password, totp: codeAt(secret, clock) },
    }),
  );
  return createApiClient({ baseUrl: t.baseUrl, token: session.accessToken });
}
