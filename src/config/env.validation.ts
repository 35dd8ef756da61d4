import 'reflect-metadata';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

export const NodeEnv = { Development: 'development', Test: 'test', Production: 'production' } as const;
export type NodeEnv = (typeof NodeEnv)[keyof typeof NodeEnv];

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  return value;
};
const emptyToUndefined = ({ value }: { value: unknown }): unknown => (value === '' ? undefined : value);

/**
 * Every setting the portal reads from the environment. Validated once at boot, before Nest starts,
 * so a bad value stops the process with a message instead of failing on first use.
 */
export class EnvironmentVariables {
  @IsEnum(NodeEnv)
  NODE_ENV: NodeEnv = NodeEnv.Development;

  @IsInt()
  @Min(0)
  @Max(65535)
  @Type(() => Number)
  PORT: number = 3000;

  @IsString()
  HOST: string = '0.0.0.0';

  /** PostgreSQL connection string. Absent: the embedded database under DATA_DIR is used. Secret. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsString()
  DATA_DIR: string = './data';

  @IsBoolean()
  @Transform(toBoolean)
  MIGRATIONS_RUN: boolean = true;

  /**
   * PostgreSQL: the longest one statement may run (statement_timeout). Every request reads and writes
   * in short statements (long walks such as audit verification go in batches), so a statement past
   * this is stuck, and its request answers 503 instead of holding a pool connection.
   */
  @IsInt()
  @Min(100)
  @Type(() => Number)
  DB_STATEMENT_TIMEOUT_MS: number = 15000;

  /**
   * PostgreSQL: the longest a statement waits for a row or table lock (lock_timeout); then 503.
   * Every write queues for the audit log's head row, so a burst of writes waits there in turn: 2 s
   * turned a burst of 16 concurrent logins from two instances into 503s on a busy machine.
   */
  @IsInt()
  @Min(100)
  @Type(() => Number)
  DB_LOCK_TIMEOUT_MS: number = 5000;

  /** HMAC key for access tokens. Secret; at least 32 characters; required in production. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(32)
  JWT_SECRET?: string;

  @IsInt()
  @Min(60)
  @Max(3600)
  @Type(() => Number)
  JWT_TTL_SECONDS: number = 900;

  /**
   * 32-byte key (64 hex characters) that seals stored second-factor secrets (AES-256-GCM). Secret;
   * required in production; elsewhere generated once into DATA_DIR.
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'SECRETS_KEY must be 64 hexadecimal characters (32 bytes)' })
  SECRETS_KEY?: string;

  /** A second factor (TOTP) for every account. Absent: on, except in demo mode; production refuses false. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  MFA_REQUIRED?: boolean;

  /** How recent the last full authentication must be for privileged actions (SEC-10: 5 minutes). */
  @IsInt()
  @Min(30)
  @Max(300)
  @Type(() => Number)
  STEP_UP_MAX_AGE_SECONDS: number = 300;

  /** The issuer shown by authenticator apps next to the account name. */
  @IsString()
  @MinLength(1)
  TOTP_ISSUER: string = 'MLA Portal';

  /** Idle timeout of a session; CJIS AC-11 and ASVS 7.3.1 allow at most 30 minutes. */
  @IsInt()
  @Min(60)
  @Max(1800)
  @Type(() => Number)
  SESSION_IDLE_TIMEOUT_SECONDS: number = 1800;

  /** Absolute session lifetime, however active; CJIS IA-11 allows at most 12 hours. */
  @IsInt()
  @Min(300)
  @Max(43200)
  @Type(() => Number)
  SESSION_MAX_LIFETIME_SECONDS: number = 43200;

  /** Accounts unused this many days are disabled by the hourly job (CJIS AC-2(3): 90). */
  @IsInt()
  @Min(1)
  @Max(365)
  @Type(() => Number)
  ACCOUNT_IDLE_DISABLE_DAYS: number = 90;

  /** The idle-account job. Absent: on, except in demo mode (a demo left alone would lock everyone out). */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  ACCOUNT_IDLE_JOB?: boolean;

  /** Lifetime of a new API key when its creator names none; a key never lives longer than 365 days. */
  @IsInt()
  @Min(1)
  @Max(365)
  @Type(() => Number)
  API_KEY_DEFAULT_TTL_DAYS: number = 90;

  /** Attempts per minute per client address on login, refresh and password change. */
  @IsInt()
  @Min(1)
  @Max(100000)
  @Type(() => Number)
  AUTH_RATE_LIMIT_PER_MINUTE: number = 30;

  /**
   * Requests per client address per window on the whole API (SEC-19), all instances together. A
   * whole agency may sit behind one address, so this is several officers' worth; a burst of
   * 1,000 requests per second from one address exceeds it within the second.
   */
  @IsInt()
  @Min(1)
  @Max(10000000)
  @Type(() => Number)
  API_RATE_LIMIT_PER_IP: number = 1200;

  /** Requests per authenticated user or API key per window on the whole API (SEC-19). */
  @IsInt()
  @Min(1)
  @Max(10000000)
  @Type(() => Number)
  API_RATE_LIMIT_PER_USER: number = 600;

  /** The window of API_RATE_LIMIT_PER_IP and API_RATE_LIMIT_PER_USER, in seconds. */
  @IsInt()
  @Min(1)
  @Max(3600)
  @Type(() => Number)
  API_RATE_LIMIT_WINDOW_SECONDS: number = 60;

  @IsString()
  JWT_ISSUER: string = 'mla-portal';

  @IsString()
  JWT_AUDIENCE: string = 'mla-portal-api';

  /** Absent: on without DATABASE_URL, off with it. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  DEMO_MODE?: boolean;

  /** Sample requests in several states, created at start when the database has none. Absent: as DEMO_MODE. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  DEMO_REQUESTS?: boolean;

  /** The job that posts deadline warnings and expiries and lapses requests, every minute. */
  @Transform(toBoolean)
  @IsBoolean()
  DEADLINE_JOB: boolean = true;

  /** The job that signs audit log checkpoints (every N entries or T seconds), checked every 10 s. */
  @Transform(toBoolean)
  @IsBoolean()
  AUDIT_CHECKPOINT_JOB: boolean = true;

  /** A checkpoint is signed once the log has grown by this many entries since the last one. */
  @IsInt()
  @Min(1)
  @Type(() => Number)
  AUDIT_CHECKPOINT_EVERY_ENTRIES: number = 1000;

  /** A checkpoint is signed once this many seconds have passed since the last one, if the log grew. */
  @IsInt()
  @Min(1)
  @Type(() => Number)
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: number = 300;

  /**
   * Days an audit entry keeps its body; after that, unless a legal hold keeps it, the body is
   * replaced by a redaction marker and the leaf hash stays (security.md AUD-07). CJIS AU-11 asks
   * for at least a year. Default ten years, like evidence.
   */
  @IsInt()
  @Min(365)
  @Max(36500)
  @Type(() => Number)
  AUDIT_RETENTION_DAYS: number = 3650;

  /**
   * Entries per batch of a full audit verification: one query each, and on PostgreSQL with a second
   * core every other batch is checked by a worker thread. Larger batches use more memory.
   */
  @IsInt()
  @Min(10)
  @Max(100000)
  @Type(() => Number)
  AUDIT_VERIFY_BATCH_SIZE: number = 5000;

  /** The hourly job that redacts audit entries past AUDIT_RETENTION_DAYS. */
  @Transform(toBoolean)
  @IsBoolean()
  AUDIT_RETENTION_JOB: boolean = true;

  /**
   * How long a request holding an `Idempotency-Key` may go without renewing its claim before a retry
   * with the same key may take the key over (the first attempt presumed dead). Renewed while it runs.
   */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  @Type(() => Number)
  IDEMPOTENCY_LEASE_MS: number = 60_000;

  /** Hours a used `Idempotency-Key` and its stored response are kept for replay. */
  @IsInt()
  @Min(1)
  @Max(24 * 30)
  @Type(() => Number)
  IDEMPOTENCY_TTL_HOURS: number = 24;

  /** The job that deletes expired idempotency keys every few minutes (safe on any number of instances). */
  @Transform(toBoolean)
  @IsBoolean()
  IDEMPOTENCY_CLEANUP_JOB: boolean = true;

  /** Where evidence bytes are kept (local store). Absent: DATA_DIR/evidence. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  EVIDENCE_DIR?: string;

  /** Largest evidence file accepted, in bytes; larger uploads answer 413 mid-stream. Default 2 GiB. */
  @IsInt()
  @Min(1)
  @Type(() => Number)
  EVIDENCE_MAX_BYTES: number = 2 * 1024 ** 3;

  /**
   * Media types (detected from the content, never from the name) accepted as evidence, comma
   * separated. Absent: documents, images, audio, video, archives, plain text and raw binary images;
   * executables and HTML are refused (zip them to exchange a sample).
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[a-z0-9.+-]+\/[a-z0-9.+-]+(,[a-z0-9.+-]+\/[a-z0-9.+-]+)*$/, {
    message: 'EVIDENCE_MEDIA_TYPES must be a comma-separated list of media types such as application/pdf',
  })
  EVIDENCE_MEDIA_TYPES?: string;

  /**
   * Days evidence bytes are kept after upload, per request type: `default=3650,preservation=365`.
   * The metadata and hash stay after disposal. Absent: 3650 days (ten years) for every type.
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[a-z_]+=\d{1,5}(,[a-z_]+=\d{1,5})*$/, {
    message: 'EVIDENCE_RETENTION_DAYS must look like default=3650,preservation=365',
  })
  EVIDENCE_RETENTION_DAYS?: string;

  /**
   * 32-byte master key (64 hex characters) that wraps the per-object keys of evidence at rest.
   * Secret; required in production; elsewhere generated once into DATA_DIR.
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[0-9a-fA-F]{64}$/, {
    message: 'EVIDENCE_MASTER_KEY must be 64 hexadecimal characters (32 bytes)',
  })
  EVIDENCE_MASTER_KEY?: string;

  /** Items up to this size are verified whole before the first byte is sent. Default 64 MiB. */
  @IsInt()
  @Min(0)
  @Type(() => Number)
  EVIDENCE_PREVERIFY_MAX_BYTES: number = 64 * 1024 ** 2;

  /** The jobs that dispose of evidence past retention (hourly) and re-hash stored bytes (fixity). */
  @Transform(toBoolean)
  @IsBoolean()
  EVIDENCE_JOBS: boolean = true;

  /** Hours between two fixity checks of the same item. Default weekly. */
  @IsInt()
  @Min(1)
  @Type(() => Number)
  EVIDENCE_FIXITY_INTERVAL_HOURS: number = 168;

  /**
   * Ed25519 private key of the portal, which signs evidence receipts and package manifests: the
   * 32-byte seed as 64 hex characters. Secret; required in production; elsewhere generated once into
   * DATA_DIR. Its public key is published at /.well-known/mla-portal/keys.
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'SIGNING_KEY must be 64 hexadecimal characters (a 32-byte seed)' })
  SIGNING_KEY?: string;

  /** The name the portal signs under (C2SP signed-note key name): a host name is customary. */
  @Matches(/^[A-Za-z0-9.-]{1,100}$/, { message: 'SIGNING_KEY_NAME must be a host-like name' })
  SIGNING_KEY_NAME: string = 'mla-portal.example';

  /**
   * Public keys of earlier signing keys (64 hex characters each, comma separated), still published
   * so that receipts and checkpoints signed before a rotation stay verifiable. A key that signed
   * under another SIGNING_KEY_NAME is written `<name>:<hex>`: its signed-note verifier key needs it.
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^([A-Za-z0-9.-]{1,100}:)?[0-9a-fA-F]{64}(,([A-Za-z0-9.-]{1,100}:)?[0-9a-fA-F]{64})*$/, {
    message:
      'SIGNING_RETIRED_PUBLIC_KEYS must be comma-separated 64-hex-character public keys, each optionally prefixed by <key name>:',
  })
  SIGNING_RETIRED_PUBLIC_KEYS?: string;

  /**
   * The audit log's name in every checkpoint (C2SP tlog-checkpoint origin). Absent:
   * `<SIGNING_KEY_NAME>/audit`. A log keeps its origin for life: set this to the old origin when
   * the key name changes, or the portal refuses to start.
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[\x21-\x7e]{1,200}$/, {
    message: 'AUDIT_LOG_ORIGIN must be one line of printable ASCII, no spaces',
  })
  AUDIT_LOG_ORIGIN?: string;

  /** Secret. */
  @IsString()
  @MinLength(12)
  DEMO_PASSWORD: string = 'Demo-Password-2026';

  /** Absent: on except in production. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  SWAGGER_ENABLED?: boolean;

  /** The built web application (`npm run build` writes it to dist/web), served at `/`. */
  @IsString()
  WEB_DIR: string = './dist/web';

  @IsEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  @IsInt()
  @Min(1000)
  @Type(() => Number)
  SHUTDOWN_TIMEOUT_MS: number = 10000;

  /** Where evidence objects are kept: `local` (a disk or a mount) or `s3` (an S3-compatible service). */
  @IsEnum(['local', 's3'])
  EVIDENCE_STORE: 'local' | 's3' = 'local';

  /** The S3-compatible service (MinIO, Ceph RGW…), e.g. http://minio:9000. Absent: AWS S3 itself. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'S3_ENDPOINT must be an http:// or https:// URL' },
  )
  S3_ENDPOINT?: string;

  @IsString()
  @MinLength(1)
  S3_REGION: string = 'us-east-1';

  /** Required with EVIDENCE_STORE=s3. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  S3_BUCKET?: string;

  /** Key prefix of the evidence objects in the bucket; empty for a bucket of their own. */
  @IsString()
  S3_PREFIX: string = 'evidence/';

  /** Required with EVIDENCE_STORE=s3. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  S3_ACCESS_KEY_ID?: string;

  /** Secret. Required with EVIDENCE_STORE=s3. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  S3_SECRET_ACCESS_KEY?: string;

  /** The bucket in the URL path rather than in the host name, as most self-hosted services need. */
  @Transform(toBoolean)
  @IsBoolean()
  S3_FORCE_PATH_STYLE: boolean = true;
}

/** The names of settings whose values must never be logged or echoed. */
export const SECRET_SETTINGS: readonly (keyof EnvironmentVariables)[] = [
  'DATABASE_URL',
  'JWT_SECRET',
  'SECRETS_KEY',
  'DEMO_PASSWORD',
  'EVIDENCE_MASTER_KEY',
  'SIGNING_KEY',
  'S3_SECRET_ACCESS_KEY',
];

export function validateEnv(raw: Record<string, unknown>): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, raw, { excludeExtraneousValues: false });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    // Only the names and constraints are printed, never the rejected values (they may be secrets).
    const lines = errors.map(
      (error) => `- ${error.property}: ${Object.values(error.constraints ?? {}).join('; ')}`,
    );
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  if (env.NODE_ENV === NodeEnv.Production) {
    const missing = [
      !env.JWT_SECRET && '- JWT_SECRET: required when NODE_ENV=production',
      !env.SECRETS_KEY && '- SECRETS_KEY: required when NODE_ENV=production',
      !env.EVIDENCE_MASTER_KEY && '- EVIDENCE_MASTER_KEY: required when NODE_ENV=production',
      !env.SIGNING_KEY && '- SIGNING_KEY: required when NODE_ENV=production',
      env.MFA_REQUIRED === false && '- MFA_REQUIRED: cannot be false when NODE_ENV=production',
      env.DEMO_MODE === true && '- DEMO_MODE: cannot be true when NODE_ENV=production',
    ].filter(Boolean);
    if (missing.length > 0) throw new Error(`Invalid environment:\n${missing.join('\n')}`);
  }
  if (env.EVIDENCE_STORE === 's3') {
    const missing = [
      !env.S3_BUCKET && '- S3_BUCKET: required when EVIDENCE_STORE=s3',
      !env.S3_ACCESS_KEY_ID && '- S3_ACCESS_KEY_ID: required when EVIDENCE_STORE=s3',
      !env.S3_SECRET_ACCESS_KEY && '- S3_SECRET_ACCESS_KEY: required when EVIDENCE_STORE=s3',
    ].filter(Boolean);
    if (missing.length > 0) throw new Error(`Invalid environment:\n${missing.join('\n')}`);
  }
  return env;
}
