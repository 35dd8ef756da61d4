import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { generateSecret, generateURI, verify } from 'otplib';
import { IsNull, type EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { SecretBox } from '../../common/crypto/secret-box';
import { AppConfig } from '../../config/app-config';
import { UserEntity } from './user.entity';
import { RecoveryCodeEntity } from './recovery-code.entity';

/** RFC 6238 defaults that every authenticator app supports; CJIS IA-5(1)(d) asks for at least 6 digits. */
const PERIOD_SECONDS = 30;
const DIGITS = 6;
/** One step either side absorbs clock drift between the phone and the server, and typing time. */
const TOLERANCE_SECONDS = PERIOD_SECONDS;
/**
 * Steps whose codes the server can accept at one moment: the current one and one either side. A
 * code at or below the last spent step, but within this reach of it, could still be a replay; one
 * further below can only match because the server's clock went back (F13), and is a fresh code.
 */
const ACCEPTANCE_WINDOW_STEPS = 2 * (TOLERANCE_SECONDS / PERIOD_SECONDS) + 1;
const RECOVERY_CODES = 10;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** What a caller presents as the second factor: a current TOTP code or one of its recovery codes. */
export interface SecondFactorProof {
  totp?: string;
  recoveryCode?: string;
}

export type SecondFactorCheck =
  { ok: true; method: 'totp' | 'recovery_code' } | { ok: false; reason: 'missing' | 'wrong_code' | 'replay' };

/** The account columns the checks need; they are not selected by default. */
export const SECOND_FACTOR_COLUMNS = ['totpSecret', 'totpLastStep', 'totpPendingSecret'] as const;

const hashRecoveryCode = (code: string): string =>
  createHash('sha256')
    .update(code.toLowerCase().replace(/[^a-z2-7]/g, ''), 'utf8')
    .digest('hex');

/**
 * TOTP (RFC 6238, through otplib) and recovery codes. A code is accepted once: the time step of the
 * last accepted code is stored and nothing at or before it is accepted again (CJIS IA-5(1)(d),
 * ASVS 6.5.1). Secrets are stored sealed to their account (AES-256-GCM). Callers hold the account
 * row's lock, so two requests cannot both spend the same code.
 */
@Injectable()
export class SecondFactorService {
  private readonly box: SecretBox;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.box = new SecretBox(config.secretsKey);
  }

  /** A fresh secret, kept pending until a code from it is confirmed; returned once, as an otpauth URI. */
  async begin(manager: EntityManager, user: UserEntity): Promise<{ secret: string; otpauthUri: string }> {
    const secret = generateSecret({ length: 20 });
    await manager.update(
      UserEntity,
      { id: user.id },
      { totpPendingSecret: this.box.seal(secret, `${user.id}:pending`) },
    );
    const otpauthUri = generateURI({
      issuer: this.config.mfa.issuer,
      label: user.username,
      secret,
      digits: DIGITS,
      period: PERIOD_SECONDS,
    });
    return { secret, otpauthUri };
  }

  /**
   * Confirms a pending enrolment with a code from the new secret. On success the secret replaces any
   * earlier one and a new set of recovery codes replaces the old set; returns them, once.
   */
  async confirm(manager: EntityManager, user: UserEntity, code: string): Promise<string[] | undefined> {
    if (!user.totpPendingSecret) return undefined;
    const secret = this.box.open(user.totpPendingSecret, `${user.id}:pending`);
    const step = await this.matchingStep(secret, code);
    if (step === undefined) return undefined;
    await manager.update(
      UserEntity,
      { id: user.id },
      {
        totpSecret: this.box.seal(secret, user.id),
        totpEnrolledAt: this.clock.now(),
        totpLastStep: step,
        totpPendingSecret: null,
        secondFactorFailures: 0,
      },
    );
    return this.issueRecoveryCodes(manager, user.id);
  }

  /** Checks a second factor for an enrolled account and spends it. */
  async check(
    manager: EntityManager,
    user: UserEntity,
    proof: SecondFactorProof,
  ): Promise<SecondFactorCheck> {
    if (!user.totpSecret) throw new Error('check() called for an account without a second factor');
    if (proof.totp) {
      const step = await this.matchingStep(this.box.open(user.totpSecret, user.id), proof.totp);
      if (step === undefined) return { ok: false, reason: 'wrong_code' };
      if (isReplay(step, user.totpLastStep)) return { ok: false, reason: 'replay' };
      await manager.update(UserEntity, { id: user.id }, { totpLastStep: step, secondFactorFailures: 0 });
      return { ok: true, method: 'totp' };
    }
    if (proof.recoveryCode) {
      const spent = await manager.update(
        RecoveryCodeEntity,
        { userId: user.id, codeHash: hashRecoveryCode(proof.recoveryCode), usedAt: IsNull() },
        { usedAt: this.clock.now() },
      );
      if (!spent.affected) return { ok: false, reason: 'wrong_code' };
      await manager.update(UserEntity, { id: user.id }, { secondFactorFailures: 0 });
      return { ok: true, method: 'recovery_code' };
    }
    return { ok: false, reason: 'missing' };
  }

  /** Ten new single-use codes; the earlier set stops working. */
  async issueRecoveryCodes(manager: EntityManager, userId: string): Promise<string[]> {
    await manager.delete(RecoveryCodeEntity, { userId });
    const codes = Array.from({ length: RECOVERY_CODES }, () => recoveryCode());
    const now = this.clock.now();
    await manager.insert(
      RecoveryCodeEntity,
      codes.map((code) => ({ userId, codeHash: hashRecoveryCode(code), createdAt: now, usedAt: null })),
    );
    return codes;
  }

  /** Removes the second factor entirely (an administrator's reset after a lost device). */
  async remove(manager: EntityManager, userId: string): Promise<void> {
    await manager.delete(RecoveryCodeEntity, { userId });
    await manager.update(
      UserEntity,
      { id: userId },
      {
        totpSecret: null,
        totpEnrolledAt: null,
        totpLastStep: null,
        totpPendingSecret: null,
        secondFactorFailures: 0,
      },
    );
  }

  async unusedRecoveryCodes(manager: EntityManager, userId: string): Promise<number> {
    return manager.countBy(RecoveryCodeEntity, { userId, usedAt: IsNull() });
  }

  /** The time step a code belongs to, judged by the server's clock, or undefined when it matches none. */
  private async matchingStep(secret: string, code: string): Promise<number | undefined> {
    if (!/^\d{6}$/.test(code)) return undefined;
    const result = await verify({
      secret,
      token: code,
      digits: DIGITS,
      period: PERIOD_SECONDS,
      epoch: Math.floor(this.clock.now().getTime() / 1000),
      epochTolerance: TOLERANCE_SECONDS,
    });
    return result.valid && 'timeStep' in result ? result.timeStep : undefined;
  }
}

/**
 * RFC 6238 §5.2: a spent code is never accepted twice, and neither is an older one while it is still
 * acceptable. Refusing every step below the last one, as a plain `step <= last` would, locks each
 * account that logged in during the last hour out of TOTP for an hour when the server's clock jumps
 * back an hour (security.md F13); a step below the window can only match after such a jump.
 */
export function isReplay(step: number, lastStep: number | null): boolean {
  return lastStep !== null && step <= lastStep && step > lastStep - ACCEPTANCE_WINDOW_STEPS;
}

/** 80 random bits as four groups of four base32 letters, easy to copy from paper. */
function recoveryCode(): string {
  const bytes = randomBytes(16);
  const letters = Array.from(bytes, (byte) => BASE32[byte & 31]).join('');
  return letters.match(/.{4}/g)!.join('-');
}
