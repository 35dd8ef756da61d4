import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContextData {
  correlationId: string;
  ip?: string;
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
