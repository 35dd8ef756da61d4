import { applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';

export interface IdempotentOptions {
  /** Without the header: 400 `idempotency.key_required` (the POSTs that create or change cases). */
  required: boolean;
  /** `multipart`: the fingerprint is known only once the upload has been read (evidence). */
  body?: 'json' | 'multipart';
  /** The headers the route sets from its body, so a response recorded in the transaction has them too. */
  headers?: (body: never) => Record<string, string>;
}

export const IdempotentMetadata = Reflector.createDecorator<IdempotentOptions>();
/** Why a POST takes no `Idempotency-Key`; every POST declares one or the other (a test checks it). */
export const NotIdempotentMetadata = Reflector.createDecorator<string>();

/**
 * The route accepts (or requires) `Idempotency-Key` (security.md REL-02): a retry with the same key
 * has no second effect and gets the first response again. Also documents the header in the spec.
 */
export function Idempotent(options: IdempotentOptions): MethodDecorator {
  return applyDecorators(
    IdempotentMetadata(options),
    ApiHeader({
      name: 'Idempotency-Key',
      required: options.required,
      description:
        `${options.required ? 'Required' : 'Optional'}: a fresh unique value (a UUID) per operation, the same ` +
        'on each retry of it. A retry gets the first response again and has no second effect; the same key ' +
        'with another body answers 422 `idempotency.key_reused`, while the first is still running 409 ' +
        '`idempotency.in_flight` with Retry-After. Keys are per user and kept 24 hours.',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    }),
  );
}

/** A POST deliberately without `Idempotency-Key`; `reason` says why (read by the route-policy test). */
export function NotIdempotent(reason: string): MethodDecorator {
  return NotIdempotentMetadata(reason);
}
