import { Logger, type ArgumentsHost } from '@nestjs/common';
import { RequestContext } from '../context/request-context';
import { AllExceptionsFilter } from './all-exceptions.filter';

/** A killed backend (SQLSTATE 57P01), as pg reports it. */
const terminated = (): Error => Object.assign(new Error('terminating connection'), { code: '57P01' });

function answer(
  error: unknown,
  committed: boolean,
): { status: number; body: { code: string }; retryAfter?: string } {
  const headers = new Map<string, string>();
  const sent: { status: number; body: { code: string } } = { status: 0, body: { code: '' } };
  const response = {
    headersSent: false,
    getHeader: (name: string) => headers.get(name),
    setHeader: (name: string, value: string) => headers.set(name, value),
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: { code: string }) {
      sent.body = body;
    },
  };
  const host = {
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => ({ path: '/v1/x', id: 'c' }) }),
  } as unknown as ArgumentsHost;
  RequestContext.run({ correlationId: 'c', committed }, () => new AllExceptionsFilter().catch(error, host));
  return { ...sent, retryAfter: headers.get('Retry-After') };
}

describe('AllExceptionsFilter and database faults', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('should answer 503 with Retry-After when nothing of the request committed', () => {
    expect(answer(terminated(), false)).toEqual({
      status: 503,
      body: expect.objectContaining({ code: 'common.service_unavailable' }),
      retryAfter: '5',
    });
  });

  it('should answer 500, not "retry", once the use case committed: a retry could do it twice', () => {
    const after = answer(terminated(), true);
    expect(after.status).toBe(500);
    expect(after.body.code).toBe('common.internal');
    expect(after.retryAfter).toBeUndefined();
  });
});
