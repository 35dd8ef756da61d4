import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { RequestContext } from '../common/context/request-context';
import {
  bindClaim,
  faultPoint,
  Idempotency,
  type StoredResponse,
} from '../common/idempotency/idempotency-context';

type CommitHook = () => Promise<void>;

/** PostgreSQL's verdicts that a transaction lost a race and may simply be run again. */
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001']); // deadlock detected, serialization failure
const MAX_ATTEMPTS = 3;

const hooksByManager = new WeakMap<EntityManager, CommitHook[]>();

/**
 * Runs one use case in one transaction. Whatever writes inside it (the state change, its audit
 * entry, its messages) commits together or not at all. Methods that must run inside a transaction
 * take the `EntityManager` as their first, required parameter.
 *
 * Work registered with `beforeCommit` runs after the use case, still inside its transaction: the
 * audit log uses it to take its one global lock last, so every transaction acquires row locks
 * first and the log head at the end, in the same order, and cannot deadlock on it. A transaction
 * PostgreSQL still aborts as a deadlock or serialization loser is run again, whole, from the start.
 *
 * When the HTTP request holds an `Idempotency-Key`, its first transaction completes the key (records
 * the response a retry gets) last, inside the same transaction: the effect and its recorded
 * response commit together. A side record that is not the use case (an audit entry of a refusal)
 * passes `bindIdempotencyKey: false`.
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);

  constructor(private readonly dataSource: DataSource) {}

  async run<T>(
    work: (manager: EntityManager) => Promise<T>,
    options: { bindIdempotencyKey?: boolean } = {},
  ): Promise<T> {
    const claim = options.bindIdempotencyKey === false ? undefined : Idempotency.pendingClaim();
    for (let attempt = 1; ; attempt += 1) {
      try {
        let recorded: StoredResponse | undefined;
        const result = await this.dataSource.transaction('READ COMMITTED', async (manager) => {
          const hooks: CommitHook[] = [];
          hooksByManager.set(manager, hooks);
          const outcome = await work(manager);
          // A hook may register another (an audit entry written by a hook): run until none is left.
          for (let index = 0; index < hooks.length; index += 1) await hooks[index]();
          if (claim) {
            recorded = await bindClaim(manager, claim, outcome);
            faultPoint('exit-before-commit');
          }
          return outcome;
        });
        const context = RequestContext.current();
        if (context && options.bindIdempotencyKey !== false) context.committed = true;
        if (claim && recorded) {
          claim.bound = recorded;
          faultPoint('exit-after-commit');
        }
        return result;
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
        this.logger.warn(
          `transaction lost a race (${sqlState(error)}); attempt ${attempt + 1} of ${MAX_ATTEMPTS}`,
        );
        // A short random pause lets the winner finish before the rerun asks for the same locks.
        await sleep(10 + Math.floor(Math.random() * 40) * attempt);
      }
    }
  }
}

/**
 * Runs `hook` at the end of the transaction `manager` belongs to, before it commits. Returns false
 * when the manager was not opened by TransactionRunner (the caller then does the work at once).
 */
export function beforeCommit(manager: EntityManager, hook: CommitHook): boolean {
  const hooks = hooksByManager.get(manager);
  if (!hooks) return false;
  hooks.push(hook);
  return true;
}

function sqlState(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const code = (error.driverError as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function isRetryable(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && RETRYABLE_SQLSTATES.has(state);
}
