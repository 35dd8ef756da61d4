import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ValidationFailedError } from '../errors/domain-error';
import { IsOmittable } from '../validation/decorators';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 25;

/** Keyset paging: `cursor` is opaque to clients; there is no OFFSET anywhere. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
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

type CursorField = 'uuid' | 'instant' | 'position';
type CursorValue<K extends CursorField> = K extends 'position' ? number : string;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function validCursorField(kind: CursorField, value: unknown): boolean {
  switch (kind) {
    case 'uuid':
      return typeof value === 'string' && UUID.test(value);
    case 'instant':
      return typeof value === 'string' && value.length <= 40 && !Number.isNaN(Date.parse(value));
    case 'position':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
  }
}

/**
 * Decodes a cursor and checks every field against its kind, so a forged cursor is a 400 on
 * `cursor`, never a database error.
 */
export function decodeCursor<T extends Record<string, CursorField>>(
  cursor: string,
  shape: T,
): { [K in keyof T]: CursorValue<T[K]> } {
  const invalid = (): ValidationFailedError => ValidationFailedError.field('cursor', 'cursor is not valid');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  for (const [key, kind] of Object.entries(shape)) {
    if (!validCursorField(kind, (parsed as Record<string, unknown>)[key])) throw invalid();
  }
  return parsed as { [K in keyof T]: CursorValue<T[K]> };
}

/**
 * Fetches one keyset page from an ordered query: one row more than the page, to know whether
 * another page follows, and the cursor of the last row kept.
 */
export async function keysetPage<T extends ObjectLiteral>(
  builder: SelectQueryBuilder<T>,
  limit: number | undefined,
  positionOf: (last: T) => Record<string, string | number>,
): Promise<{ rows: T[]; nextCursor: string | null }> {
  const size = limit ?? DEFAULT_PAGE_SIZE;
  const fetched = await builder.limit(size + 1).getMany();
  const rows = fetched.slice(0, size);
  const last = rows[rows.length - 1];
  return { rows, nextCursor: fetched.length > size && last ? encodeCursor(positionOf(last)) : null };
}
