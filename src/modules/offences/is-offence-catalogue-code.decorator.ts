import { registerDecorator, type ValidationOptions } from 'class-validator';
import { shippedReferenceData } from './reference-data';

/**
 * A code of the shipped offence catalogue (GET /v1/offence-catalogue). The catalogue is release data,
 * read once, so the check needs no injected service.
 */
export function IsOffenceCatalogueCode(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) =>
    registerDecorator({
      name: 'isOffenceCatalogueCode',
      target: target.constructor,
      propertyName: String(propertyKey),
      options: {
        message: '$property must be a code of the offence catalogue (GET /v1/offence-catalogue)',
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          shippedReferenceData().catalogue.body.offences.some((entry) => entry.code === value),
      },
    });
}
