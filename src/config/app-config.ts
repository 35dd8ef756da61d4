import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RequestType } from '@mla/contracts';
import type { RetiredKey } from '../common/crypto/portal-signer';
import type { EvidenceStoreSettings } from '../modules/evidence/storage/create-evidence-store';
import { type EnvironmentVariables, NodeEnv } from './env.validation';

export type DatabaseSettings =
  | {
      kind: 'postgres';
      url: string;
      migrationsRun: boolean;
      /** Absent: no limit (the migration runner, whose statements may be long). */
      timeouts?: { statementMs: number; lockMs: number };
    }
  | { kind: 'embedded'; dataDir: string; migrationsRun: boolean };

/** The resolved configuration every module receives (injected as `AppConfig`). */
export class AppConfig {
  constructor(
    readonly nodeEnv: NodeEnv,
    readonly http: { port: number; host: string; shutdownTimeoutMs: number },
    readonly database: DatabaseSettings,
    readonly jwt: { secret: string; ttlSeconds: number; issuer: string; audience: string },
    readonly sessions: { idleTimeoutSeconds: number; maxLifetimeSeconds: number },
    readonly accounts: { idleDisableDays: number; idleJobEnabled: boolean },
    /** `requests`: sample requests on top of the demo directory; never without it. */
    readonly demo: { enabled: boolean; password: string; requests: boolean },
    readonly swaggerEnabled: boolean,
    readonly logLevel: EnvironmentVariables['LOG_LEVEL'],
    readonly authRateLimitPerMinute: number,
    /** API-wide budgets per client address and per user, over one window (SEC-19). */
    readonly rateLimits: { perIp: number; perUser: number; windowSeconds: number },
    readonly mfa: { required: boolean; stepUpMaxAgeSeconds: number; issuer: string },
    /** Seals stored second-factor secrets; never logged. */
    readonly secretsKey: Buffer,
    readonly apiKeys: { defaultTtlDays: number },
    readonly deadlines: { jobEnabled: boolean },
    readonly evidence: EvidenceSettings,
    readonly signing: SigningSettings,
    readonly audit: AuditSettings,
    readonly idempotency: IdempotencySettings,
    /** Where the built SPA lives; served only when its index.html is there. */
    readonly web: { dir: string },
  ) {}

  static fromEnv(env: EnvironmentVariables): AppConfig {
    const dataDir = resolve(env.DATA_DIR);
    const evidenceDir = resolve(env.EVIDENCE_DIR ?? join(dataDir, 'evidence'));
    // Production is never a demo, whatever the database; validateEnv refuses DEMO_MODE=true there.
    const demo = env.DEMO_MODE ?? (!env.DATABASE_URL && env.NODE_ENV !== NodeEnv.Production);
    const database: DatabaseSettings = env.DATABASE_URL
      ? {
          kind: 'postgres',
          url: env.DATABASE_URL,
          migrationsRun: env.MIGRATIONS_RUN,
          timeouts: { statementMs: env.DB_STATEMENT_TIMEOUT_MS, lockMs: env.DB_LOCK_TIMEOUT_MS },
        }
      : { kind: 'embedded', dataDir, migrationsRun: env.MIGRATIONS_RUN };
    return new AppConfig(
      env.NODE_ENV,
      { port: env.PORT, host: env.HOST, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS },
      database,
      {
        secret:
          env.JWT_SECRET ?? localSecret(dataDir, 'jwt-secret', () => randomBytes(48).toString('base64url')),
        ttlSeconds: env.JWT_TTL_SECONDS,
        issuer: env.JWT_ISSUER,
        audience: env.JWT_AUDIENCE,
      },
      {
        idleTimeoutSeconds: env.SESSION_IDLE_TIMEOUT_SECONDS,
        maxLifetimeSeconds: env.SESSION_MAX_LIFETIME_SECONDS,
      },
      { idleDisableDays: env.ACCOUNT_IDLE_DISABLE_DAYS, idleJobEnabled: env.ACCOUNT_IDLE_JOB ?? !demo },
      { enabled: demo, password: env.DEMO_PASSWORD, requests: demo && (env.DEMO_REQUESTS ?? true) },
      env.SWAGGER_ENABLED ?? env.NODE_ENV !== NodeEnv.Production,
      env.LOG_LEVEL,
      env.AUTH_RATE_LIMIT_PER_MINUTE,
      {
        perIp: env.API_RATE_LIMIT_PER_IP,
        perUser: env.API_RATE_LIMIT_PER_USER,
        windowSeconds: env.API_RATE_LIMIT_WINDOW_SECONDS,
      },
      {
        required: env.MFA_REQUIRED ?? !demo,
        stepUpMaxAgeSeconds: env.STEP_UP_MAX_AGE_SECONDS,
        issuer: env.TOTP_ISSUER,
      },
      Buffer.from(
        env.SECRETS_KEY ?? localSecret(dataDir, 'secrets-key', () => randomBytes(32).toString('hex')),
        'hex',
      ),
      { defaultTtlDays: env.API_KEY_DEFAULT_TTL_DAYS },
      { jobEnabled: env.DEADLINE_JOB },
      {
        dir: evidenceDir,
        store: evidenceStoreSettings(env, evidenceDir),
        maxBytes: env.EVIDENCE_MAX_BYTES,
        mediaTypes: env.EVIDENCE_MEDIA_TYPES?.split(',') ?? DEFAULT_EVIDENCE_MEDIA_TYPES,
        retentionDays: parseRetention(env.EVIDENCE_RETENTION_DAYS),
        masterKey: Buffer.from(
          env.EVIDENCE_MASTER_KEY ??
            localSecret(dataDir, 'evidence-master-key', () => randomBytes(32).toString('hex')),
          'hex',
        ),
        preverifyMaxBytes: env.EVIDENCE_PREVERIFY_MAX_BYTES,
        jobsEnabled: env.EVIDENCE_JOBS,
        fixityIntervalHours: env.EVIDENCE_FIXITY_INTERVAL_HOURS,
      },
      {
        seed: Buffer.from(
          env.SIGNING_KEY ?? localSecret(dataDir, 'signing-key', () => randomBytes(32).toString('hex')),
          'hex',
        ),
        name: env.SIGNING_KEY_NAME,
        retiredPublicKeys: (env.SIGNING_RETIRED_PUBLIC_KEYS?.split(',') ?? []).map((entry) => {
          const at = entry.lastIndexOf(':');
          return {
            publicKey: Buffer.from(entry.slice(at + 1), 'hex'),
            ...(at > 0 ? { name: entry.slice(0, at) } : {}),
          };
        }),
      },
      {
        checkpointJobEnabled: env.AUDIT_CHECKPOINT_JOB,
        checkpointEveryEntries: env.AUDIT_CHECKPOINT_EVERY_ENTRIES,
        checkpointIntervalSeconds: env.AUDIT_CHECKPOINT_INTERVAL_SECONDS,
        logOrigin: env.AUDIT_LOG_ORIGIN ?? `${env.SIGNING_KEY_NAME}/audit`,
        retentionDays: env.AUDIT_RETENTION_DAYS,
        retentionJobEnabled: env.AUDIT_RETENTION_JOB,
        verifyBatchSize: env.AUDIT_VERIFY_BATCH_SIZE,
      },
      {
        leaseMs: env.IDEMPOTENCY_LEASE_MS,
        ttlMs: env.IDEMPOTENCY_TTL_HOURS * 3_600_000,
        cleanupJobEnabled: env.IDEMPOTENCY_CLEANUP_JOB,
      },
      { dir: resolve(env.WEB_DIR) },
    );
  }
}

export interface EvidenceSettings {
  /** Local root: the store itself by default, and always the staging area of uploads. */
  dir: string;
  store: EvidenceStoreSettings;
  maxBytes: number;
  mediaTypes: readonly string[];
  /** Days per request type; `default` for the others. */
  retentionDays: Readonly<Record<string, number>> & { default: number };
  /** Wraps every per-object key; never logged. */
  masterKey: Buffer;
  preverifyMaxBytes: number;
  jobsEnabled: boolean;
  fixityIntervalHours: number;
}

export interface IdempotencySettings {
  /** A claim not renewed for this long may be taken over by a retry. */
  leaseMs: number;
  /** How long a used key and its response are kept. */
  ttlMs: number;
  cleanupJobEnabled: boolean;
}

export interface AuditSettings {
  checkpointJobEnabled: boolean;
  /** Sign a checkpoint once the log has grown by this many entries since the last one… */
  checkpointEveryEntries: number;
  /** …or this many seconds after the last one, if the log grew at all. */
  checkpointIntervalSeconds: number;
  /** The log's origin line in every checkpoint: stable across key rotations and renames. */
  logOrigin: string;
  /** Entries older than this lose their body to a redaction marker, unless held. */
  retentionDays: number;
  retentionJobEnabled: boolean;
  /** Entries per batch of a full verification (see AUDIT_VERIFY_BATCH_SIZE). */
  verifyBatchSize: number;
}

export interface SigningSettings {
  /** The Ed25519 private key's 32-byte seed; never logged. */
  seed: Buffer;
  name: string;
  retiredPublicKeys: readonly RetiredKey[];
}

/**
 * What a provider export, a forensic image, a statement or a video usually is. Raw images and other
 * undetectable binaries arrive as application/octet-stream; executables and HTML are refused.
 */
export const DEFAULT_EVIDENCE_MEDIA_TYPES: readonly string[] = [
  'application/pdf',
  'application/json',
  'text/plain',
  'text/csv',
  'application/xml',
  'image/jpeg',
  'image/png',
  'image/tiff',
  'image/gif',
  'image/webp',
  'image/heic',
  'audio/mpeg',
  'audio/wav',
  'audio/ogg',
  'audio/mp4',
  'video/mp4',
  'video/quicktime',
  'video/x-msvideo',
  'video/webm',
  'video/x-matroska',
  'application/zip',
  'application/x-7z-compressed',
  'application/gzip',
  'application/x-tar',
  'application/x-bzip2',
  'application/x-xz',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/msword',
  'application/vnd.ms-excel',
  'application/x-cfb',
  'message/rfc822',
  'application/vnd.sqlite3',
  'application/x-sqlite3',
  'application/octet-stream',
];

const DEFAULT_RETENTION_DAYS = 3650;

function parseRetention(raw: string | undefined): EvidenceSettings['retentionDays'] {
  const days: Record<string, number> = { default: DEFAULT_RETENTION_DAYS };
  for (const pair of raw?.split(',') ?? []) {
    const [type, value] = pair.split('=');
    if (type !== 'default' && !(Object.values(RequestType) as string[]).includes(type))
      throw new Error(`Invalid environment:\n- EVIDENCE_RETENTION_DAYS: ${type} is not a request type`);
    days[type] = Number(value);
  }
  return days as EvidenceSettings['retentionDays'];
}

/**
 * Outside production a missing JWT_SECRET or SECRETS_KEY is replaced by a random key kept in
 * DATA_DIR (mode 0600), so a fresh clone starts with no set-up and tokens and enrolments survive a
 * restart.
 */
function localSecret(dataDir: string, name: string, generate: () => string): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = generate();
  try {
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    // Another process created it first: use theirs, so both sign with the same key.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw error;
  }
}

/** The evidence store the environment names; validateEnv has made sure the S3 settings are complete. */
export function evidenceStoreSettings(env: EnvironmentVariables, localRoot: string): EvidenceStoreSettings {
  if (env.EVIDENCE_STORE === 'local') return { kind: 'local', root: localRoot };
  const { S3_BUCKET: bucket, S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey } = env;
  if (!bucket || !accessKeyId || !secretAccessKey)
    throw new Error('EVIDENCE_STORE=s3 needs S3_BUCKET and keys');
  return {
    kind: 's3',
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    bucket,
    prefix: env.S3_PREFIX,
    accessKeyId,
    secretAccessKey,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
  };
}
