import { AsyncLocalStorage } from 'node:async_hooks';
import type { IdempotencyClaim } from '../idempotency/idempotency-context';

export interface RequestContextData {
  correlationId: string;
  ip?: string;
  /** Set by the idempotency interceptor when the request holds an `Idempotency-Key`. */
  idempotency?: IdempotencyClaim;
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
