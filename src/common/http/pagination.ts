import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { ValidationFailedError } from '../errors/domain-error';
import { IsOmittable } from '../validation/decorators';

export const MAX_PAGE_SIZE = 100;

/** Keyset paging: `cursor` is opaque to clients; there is no OFFSET anywhere. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 25 })
  @IsOmittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page' })
  @IsOmittable()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** Decodes a cursor and checks each named field's type; anything else is a 400 on `cursor`. */
export function decodeCursor<T extends Record<string, 'string' | 'number'>>(
  cursor: string,
  shape: T,
): { [K in keyof T]: T[K] extends 'number' ? number : string } {
  const invalid = (): ValidationFailedError => ValidationFailedError.field('cursor', 'cursor is not valid');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  for (const [key, type] of Object.entries(shape)) {
    if (typeof (parsed as Record<string, unknown>)[key] !== type) throw invalid();
  }
  return parsed as { [K in keyof T]: T[K] extends 'number' ? number : string };
}
