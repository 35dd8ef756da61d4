import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldError } from '@mla/contracts';
import { ValidationFailedError } from '../errors/domain-error';

/** Flattens class-validator's error tree into `{ field: 'a.b[0].c', messages }` entries. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const segment = /^\d+$/.test(error.property) ? `[${error.property}]` : error.property;
    const field = parent
      ? segment.startsWith('[')
        ? `${parent}${segment}`
        : `${parent}.${segment}`
      : segment;
    const own: FieldError[] = error.constraints
      ? [{ field, messages: Object.values(error.constraints) }]
      : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/**
 * Bodies and queries are DTO classes only: unknown properties are refused (not silently dropped),
 * so a misspelt field is reported instead of ignored.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    // One message per field: the first rule it breaks, which is the one to fix first.
    stopAtFirstError: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(flattenValidationErrors(errors)),
  });
}
