import { QueryFailedError } from 'typeorm';

/**
 * The unique constraint a failed statement ran into, if that is why it failed (SQLSTATE 23505).
 * A check-then-insert is a race between two transactions; the constraint decides it, and this turns
 * the loser's error into the 409 it should be instead of a 500.
 */
export function violatedUniqueConstraint(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const cause = error.driverError as { code?: unknown; constraint?: unknown };
  return cause.code === '23505' && typeof cause.constraint === 'string' ? cause.constraint : undefined;
}
