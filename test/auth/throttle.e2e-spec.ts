import { createTestApp, DEMO_PASSWORD, FakeClock, type TestApp } from '../support/test-app';

describe('Per-address throttling of the authentication routes', () => {
  const clock = new FakeClock();
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ AUTH_RATE_LIMIT_PER_MINUTE: '3' }, { clock });
  });
  afterAll(() => t?.close());

  const attempt = (password: string) =>
    fetch(`${t.baseUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'vn.officer', password }),
    });

  it('should answer 429 with Retry-After beyond the budget, before any password is checked, and recover after the window', async () => {
    expect((await attempt('wrong-password-one')).status).toBe(401);
    expect((await attempt('wrong-password-two')).status).toBe(401);
    expect((await attempt(DEMO_PASSWORD)).status).toBe(200);

    const limited = await attempt(DEMO_PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ statusCode: 429, code: 'common.rate_limited' });
    const refresh = await fetch(`${t.baseUrl}/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: 'rt_x' }),
    });
    expect(refresh.status).toBe(429);

    // Throttled attempts never reached the password check: two failures so far, no lockout.
    clock.advance(61_000);
    expect((await attempt(DEMO_PASSWORD)).status).toBe(200);
  });
});
