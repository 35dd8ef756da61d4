import { AppConfig } from './app-config';
import { SECRET_SETTINGS, validateEnv } from './env.validation';

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

  it('should keep evidence on the local store by default, with the S3 defaults for MinIO-like services', () => {
    const env = validateEnv({});
    expect(env.EVIDENCE_STORE).toBe('local');
    expect(env).toMatchObject({ S3_REGION: 'us-east-1', S3_PREFIX: 'evidence/', S3_FORCE_PATH_STYLE: true });
    expect(env.S3_ENDPOINT).toBeUndefined();
  });

  it('should refuse EVIDENCE_STORE=s3 without a bucket and keys, naming each missing setting', () => {
    const attempt = () => validateEnv({ EVIDENCE_STORE: 's3' });
    expect(attempt).toThrow(/S3_BUCKET: required when EVIDENCE_STORE=s3/);
    expect(attempt).toThrow(/S3_ACCESS_KEY_ID: required when EVIDENCE_STORE=s3/);
    expect(attempt).toThrow(/S3_SECRET_ACCESS_KEY: required when EVIDENCE_STORE=s3/);
    expect(() =>
      validateEnv({ EVIDENCE_STORE: 's3', S3_BUCKET: 'evidence', S3_ACCESS_KEY_ID: 'key' }),
    ).toThrow(/^Invalid environment:\n- S3_SECRET_ACCESS_KEY: required when EVIDENCE_STORE=s3$/);
    expect(() => validateEnv({ EVIDENCE_STORE: 'ftp' })).toThrow(/EVIDENCE_STORE/);
  });

  it('should accept a complete S3 configuration and check the endpoint is an http(s) URL', () => {
    const s3 = {
      EVIDENCE_STORE: 's3',
      S3_BUCKET: 'evidence',
      S3_ACCESS_KEY_ID: 'portal',
      S3_SECRET_ACCESS_KEY: 'secret-access-key-value',
    };
    const env = validateEnv({ ...s3, S3_ENDPOINT: 'http://minio:9000', S3_FORCE_PATH_STYLE: 'false' });
    expect(env).toMatchObject({
      EVIDENCE_STORE: 's3',
      S3_ENDPOINT: 'http://minio:9000',
      S3_FORCE_PATH_STYLE: false,
    });
    expect(validateEnv({ ...s3, S3_ENDPOINT: '' }).S3_ENDPOINT).toBeUndefined();
    expect(validateEnv({ ...s3, S3_ENDPOINT: 'https://127.0.0.1:9000' }).S3_ENDPOINT).toBe(
      'https://127.0.0.1:9000',
    );
    expect(() => validateEnv({ ...s3, S3_ENDPOINT: 'minio:9000' })).toThrow(/S3_ENDPOINT must be an http/);
    expect(() => validateEnv({ ...s3, S3_FORCE_PATH_STYLE: 'sometimes' })).toThrow(/S3_FORCE_PATH_STYLE/);
  });

  it('should sign audit checkpoints every 1000 entries or 300 seconds by default, and refuse zero', () => {
    const config = (env: Record<string, string>) =>
      AppConfig.fromEnv(validateEnv({ JWT_SECRET: 'x'.repeat(32), DATA_DIR: '/tmp/mla-config-test', ...env }))
        .audit;
    expect(config({})).toMatchObject({
      checkpointJobEnabled: true,
      checkpointEveryEntries: 1000,
      checkpointIntervalSeconds: 300,
      logOrigin: 'mla-portal.example/audit',
    });
    expect(
      config({
        AUDIT_CHECKPOINT_JOB: 'false',
        AUDIT_CHECKPOINT_EVERY_ENTRIES: '50',
        AUDIT_CHECKPOINT_INTERVAL_SECONDS: '60',
      }),
    ).toMatchObject({
      checkpointJobEnabled: false,
      checkpointEveryEntries: 50,
      checkpointIntervalSeconds: 60,
      logOrigin: 'mla-portal.example/audit',
    });
    expect(() => validateEnv({ AUDIT_CHECKPOINT_EVERY_ENTRIES: '0' })).toThrow(
      /AUDIT_CHECKPOINT_EVERY_ENTRIES/,
    );
    expect(() => validateEnv({ AUDIT_CHECKPOINT_INTERVAL_SECONDS: 'often' })).toThrow(
      /AUDIT_CHECKPOINT_INTERVAL_SECONDS/,
    );
  });

  it('should keep the audit log origin apart from the key name, and name retired keys when asked', () => {
    const config = (env: Record<string, string>) =>
      AppConfig.fromEnv(
        validateEnv({ JWT_SECRET: 'x'.repeat(32), DATA_DIR: '/tmp/mla-config-test', ...env }),
      );
    const hex = 'ab'.repeat(32);
    expect(config({ SIGNING_KEY_NAME: 'portal.example' }).audit.logOrigin).toBe('portal.example/audit');
    const renamed = config({
      SIGNING_KEY_NAME: 'new.example',
      AUDIT_LOG_ORIGIN: 'portal.example/audit',
      SIGNING_RETIRED_PUBLIC_KEYS: `portal.example:${hex},${hex}`,
    });
    expect(renamed.audit.logOrigin).toBe('portal.example/audit');
    expect(renamed.signing.retiredPublicKeys).toEqual([
      { publicKey: Buffer.from(hex, 'hex'), name: 'portal.example' },
      { publicKey: Buffer.from(hex, 'hex') },
    ]);
    expect(() => validateEnv({ SIGNING_RETIRED_PUBLIC_KEYS: `bad name:${hex}` })).toThrow(
      /SIGNING_RETIRED_PUBLIC_KEYS/,
    );
    expect(() => validateEnv({ AUDIT_LOG_ORIGIN: 'two words' })).toThrow(/AUDIT_LOG_ORIGIN/);
  });

  it('should keep audit entries ten years by default, and never less than a year', () => {
    const config = (env: Record<string, string>) =>
      AppConfig.fromEnv(validateEnv({ JWT_SECRET: 'x'.repeat(32), DATA_DIR: '/tmp/mla-config-test', ...env }))
        .audit;
    expect(config({})).toMatchObject({ retentionDays: 3650, retentionJobEnabled: true });
    expect(config({ AUDIT_RETENTION_DAYS: '366', AUDIT_RETENTION_JOB: 'false' })).toMatchObject({
      retentionDays: 366,
      retentionJobEnabled: false,
    });
    expect(() => validateEnv({ AUDIT_RETENTION_DAYS: '30' })).toThrow(/AUDIT_RETENTION_DAYS/);
    expect(() => validateEnv({ AUDIT_RETENTION_DAYS: 'forever' })).toThrow(/AUDIT_RETENTION_DAYS/);
  });

  it('should treat the S3 secret key as a secret', () => {
    expect(SECRET_SETTINGS).toContain('S3_SECRET_ACCESS_KEY');
  });
});
