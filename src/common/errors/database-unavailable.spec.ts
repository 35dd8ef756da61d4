import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database-unavailable';

function driverError(code: string, message = 'driver error'): Error {
  return Object.assign(new Error(message), { code });
}

describe('isDatabaseUnavailable', () => {
  it.each(['55P03', '57014', '57P01', '57P02', '57P03', '53300', '08006', '08001'])(
    'should count SQLSTATE %s wrapped by TypeORM as unavailable',
    (code) => {
      expect(isDatabaseUnavailable(new QueryFailedError('SELECT 1', [], driverError(code)))).toBe(true);
    },
  );

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'])('should count a socket error %s', (code) => {
    expect(isDatabaseUnavailable(driverError(code))).toBe(true);
  });

  it.each([
    'Connection terminated unexpectedly',
    'timeout exceeded when trying to connect',
    'Query runner already released. Cannot run queries anymore.',
    'Embedded database busy: no session within 30000 ms',
  ])('should count "%s"', (message) => {
    expect(isDatabaseUnavailable(new Error(message))).toBe(true);
  });

  it('should follow a cause chain', () => {
    expect(isDatabaseUnavailable(new Error('outer', { cause: driverError('57P01') }))).toBe(true);
  });

  it.each([
    ['a unique violation', new QueryFailedError('INSERT', [], driverError('23505'))],
    ['a syntax error', new QueryFailedError('SELEC', [], driverError('42601'))],
    ['a plain bug', new TypeError('x is undefined')],
    ['a non-error', 'text'],
  ])('should not count %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
