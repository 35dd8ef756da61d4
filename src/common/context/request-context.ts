import { AsyncLocalStorage } from 'node:async_hooks';
import type { IdempotencyClaim } from '../idempotency/idempotency-context';

export interface RequestContextData {
  correlationId: string;
  ip?: string;
  /** Set by the idempotency interceptor when the request holds an `Idempotency-Key`. */
  idempotency?: IdempotencyClaim;
  /**
   * Set once the request's use case transaction has committed: a database fault after that point
   * must not answer 503 "retry", which tells the client that nothing was done.
   */
  committed?: boolean;
}

const storage = new AsyncLocalStorage<RequestContextData>();

/** Per-HTTP-request data (correlation id, client address) reachable without threading it through calls. */
export const RequestContext = {
  run<T>(data: RequestContextData, fn: () => T): T {
    return storage.run(data, fn);
  },
  current(): RequestContextData | undefined {
    return storage.getStore();
  },
  correlationId(): string | undefined {
    return storage.getStore()?.correlationId;
  },
};
