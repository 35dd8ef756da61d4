import { applyDecorators } from '@nestjs/common';
import {
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateIf,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { Transform } from 'class-transformer';
import { DateTime, IANAZone } from 'luxon';

/**
 * Optional, but not nullable: unlike `@IsOptional()`, `null` is still validated (and refused),
 * so a PATCH cannot erase a mandatory value by sending null.
 */
export function IsOmittable(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined, options);
}

/**
 * A UUID, stored and compared in lower case: PostgreSQL treats `ABC…` and `abc…` as one id, so code
 * comparing ids must see them the same way too.
 */
export function IsUuid(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value)),
    IsUUID('all'),
  );
}

/** A string of bounded length with at least one visible character. */
export function IsText(maxLength: number): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Matches(/\S/, { message: '$property must not be blank' }),
    MaxLength(maxLength),
  );
}

export function isIanaTimeZone(value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return false;
  // IANAZone, not DateTime.setZone: luxon also accepts keywords like `system` and `local`, which
  // mean the server's own zone and would be meaningless to the other side.
  return IANAZone.isValidZone(value);
}

/** An IANA time zone name such as `Asia/Ho_Chi_Minh` or `UTC`. */
export function IsIanaTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isIanaTimeZone',
      target: target.constructor,
      propertyName: String(propertyKey),
      options: { message: '$property must be an IANA time zone such as Europe/Paris', ...options },
      validator: { validate: isIanaTimeZone },
    });
}

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;

/**
 * A wall-clock date and time as typed, without offset (`2026-03-01T14:05:00`); the time zone is a
 * separate field, because providers answer in their own zone and a missing zone is a classic cause
 * of clarification rounds (domain.md §2.2).
 */
export function IsLocalDateTime(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isLocalDateTime',
      target: target.constructor,
      propertyName: String(propertyKey),
      options: {
        message: '$property must be a local date and time like 2026-03-01T14:05:00, without offset',
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          LOCAL_DATE_TIME.test(value) &&
          DateTime.fromISO(value, { zone: 'UTC' }).isValid,
      },
    });
}

/** The UTC instant of a local date-time in a zone; null when the pair is invalid. */
export function toUtcInstant(local: string, timeZone: string): string | null {
  const instant = DateTime.fromISO(local, { zone: timeZone });
  return instant.isValid ? instant.toUTC().toISO({ suppressMilliseconds: false }) : null;
}
