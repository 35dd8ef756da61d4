import {
  createParamDecorator,
  type ExecutionContext,
  ParseUUIDPipe,
  type PipeTransform,
} from '@nestjs/common';
import { ValidationFailedError } from '../errors/domain-error';

/**
 * The version named by an `If-Match` header: `"3"` (the ETag the portal sends), `W/"3"` or `3`.
 * Undefined when absent; a 400 when present but not a version.
 */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match?.[1]) throw ValidationFailedError.field('If-Match', 'If-Match must name a version, like "3"');
  return Number(match[1]);
}

export const IfMatchVersion = createParamDecorator(
  (_data: unknown, context: ExecutionContext): number | undefined => {
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>()
      .headers['if-match'];
    return parseIfMatch(header);
  },
);

export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * Path ids are UUIDs; anything else is a 400 naming the parameter, never a database error. They are
 * lower-cased: PostgreSQL compares UUIDs regardless of case, so an upper-case id must not slip past
 * a comparison in code (an administrator's own id, say).
 */
export function uuidParam(name = 'id'): PipeTransform<string, Promise<string>> {
  const parse = new ParseUUIDPipe({
    version: undefined,
    exceptionFactory: () => ValidationFailedError.field(name, `${name} must be a UUID`),
  });
  return {
    transform: async (value, metadata) => ((await parse.transform(value, metadata)) ?? value).toLowerCase(),
  };
}
