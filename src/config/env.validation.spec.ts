import { AppConfig } from './app-config';
import { validateEnv } from './env.validation';

describe('environment validation', () => {
  it('should apply the defaults: embedded database with demo data on port 3000', () => {
    const config = AppConfig.fromEnv(
      validateEnv({ JWT_SECRET: 'x'.repeat(32), DATA_DIR: '/tmp/mla-config-test' }),
    );
    expect(config.http.port).toBe(3000);
    expect(config.database).toMatchObject({ kind: 'embedded', migrationsRun: true });
    expect(config.demo.enabled).toBe(true);
  });

  it('should turn demo mode off with DATABASE_URL unless DEMO_MODE says otherwise', () => {
    const base = { JWT_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgres://u@h/db' };
    expect(AppConfig.fromEnv(validateEnv(base)).demo.enabled).toBe(false);
    expect(AppConfig.fromEnv(validateEnv({ ...base, DEMO_MODE: 'true' })).demo.enabled).toBe(true);
    expect(
      AppConfig.fromEnv(
        validateEnv({ JWT_SECRET: 'x'.repeat(32), DEMO_MODE: 'false', DATA_DIR: '/tmp/mla-config-test' }),
      ).demo.enabled,
    ).toBe(false);
  });

  it('should add demo requests in demo mode unless DEMO_REQUESTS=false, and never outside it', () => {
    const config = (env: Record<string, string>) =>
      AppConfig.fromEnv(validateEnv({ JWT_SECRET: 'x'.repeat(32), DATA_DIR: '/tmp/mla-config-test', ...env }))
        .demo.requests;
    expect(config({})).toBe(true);
    expect(config({ DEMO_REQUESTS: 'false' })).toBe(false);
    expect(config({ DEMO_MODE: 'false', DEMO_REQUESTS: 'true' })).toBe(false);
    expect(config({ DATABASE_URL: 'postgres://db/mla' })).toBe(false);
    expect(() => validateEnv({ DEMO_REQUESTS: 'sometimes' })).toThrow(/DEMO_REQUESTS/);
  });

  it('should name a bad setting without echoing its value', () => {
    const attempt = () => validateEnv({ PORT: 'seventy', JWT_SECRET: 'short-secret-value' });
    expect(attempt).toThrow(/PORT/);
    expect(attempt).toThrow(/JWT_SECRET/);
    expect(attempt).not.toThrow(/short-secret-value/);
  });

  it('should require JWT_SECRET and SECRETS_KEY in production, and refuse demo mode or MFA off there', () => {
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: required/);
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(/SECRETS_KEY: required/);
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(/EVIDENCE_MASTER_KEY: required/);
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(/SIGNING_KEY: required/);
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(32),
      SECRETS_KEY: 'ab'.repeat(32),
      EVIDENCE_MASTER_KEY: 'cd'.repeat(32),
      SIGNING_KEY: 'ef'.repeat(32),
    };
    expect(() => validateEnv(production)).not.toThrow();
    expect(() => validateEnv({ ...production, MFA_REQUIRED: 'false' })).toThrow(/MFA_REQUIRED/);
    expect(() => validateEnv({ ...production, DEMO_MODE: 'true' })).toThrow(/DEMO_MODE/);
    expect(() => validateEnv({ ...production, SECRETS_KEY: 'too-short' })).toThrow(/SECRETS_KEY must be 64/);
  });

  it('should require a second factor by default outside demo mode, and in production even on the embedded database', () => {
    const config = (env: Record<string, string>) =>
      AppConfig.fromEnv(validateEnv({ DATA_DIR: '/tmp/mla-config-test', ...env }));
    expect(config({}).mfa.required).toBe(false);
    expect(config({ DATABASE_URL: 'postgres://db/mla', JWT_SECRET: 'x'.repeat(32) }).mfa.required).toBe(true);
    const production = config({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(32),
      SECRETS_KEY: 'ab'.repeat(32),
      EVIDENCE_MASTER_KEY: 'cd'.repeat(32),
      SIGNING_KEY: 'ef'.repeat(32),
    });
    expect(production.demo.enabled).toBe(false);
    expect(production.mfa.required).toBe(true);
  });
});
