import { getMetadataStorage } from 'class-validator';
import type { OpenAPIObject } from '@nestjs/swagger';

type SchemaLike = Record<string, unknown>;
const MODEL_PROPERTIES = 'swagger/apiModelProperties';
const UUID_LENGTH = 36;

/**
 * Copies the limits class-validator enforces (MaxLength, Length, ArrayMaxSize, IsUUID, IsIn) into
 * the Swagger metadata of every DTO, before the document is built, so that the published schemas
 * state the same bounds the server applies (OWASP API4: string and array limits) without
 * repeating each one in @ApiProperty. Explicit @ApiProperty values win.
 */
export function publishValidationLimits(): void {
  const storage = getMetadataStorage() as unknown as {
    validationMetadatas: Map<
      abstract new (...args: never[]) => object,
      Array<{ type: string; name?: string; propertyName: string; constraints?: unknown[]; each?: boolean }>
    >;
  };
  for (const [target, metadatas] of storage.validationMetadatas) {
    if (typeof target !== 'function') continue;
    const prototype = target.prototype as object;
    for (const metadata of metadatas) {
      const current = Reflect.getMetadata(MODEL_PROPERTIES, prototype, metadata.propertyName) as
        SchemaLike | undefined;
      if (!current) continue;
      const [first, second] = metadata.constraints ?? [];
      const limits: SchemaLike = {};
      const kind = metadata.type === 'customValidation' ? metadata.name : metadata.type;
      if (kind === 'maxLength' && typeof first === 'number') limits.maxLength = first;
      if (kind === 'length' && typeof second === 'number') limits.maxLength = second;
      if (kind === 'isUuid') limits.maxLength = UUID_LENGTH;
      if (kind === 'arrayMaxSize' && typeof first === 'number') limits.maxItems = first;
      if (Object.keys(limits).length === 0) continue;
      const isArray = current.isArray === true || current.type === Array;
      const next: SchemaLike = { ...current };
      if (limits.maxItems !== undefined && next.maxItems === undefined) next.maxItems = limits.maxItems;
      if (limits.maxLength !== undefined) {
        if (isArray || metadata.each) {
          const items = (next.items as SchemaLike | undefined) ?? {};
          if (items.maxLength === undefined && !isArray)
            next.items = { ...items, maxLength: limits.maxLength };
          else if (next.maxLength === undefined && isArray) next.maxLength = limits.maxLength;
        } else if (next.maxLength === undefined) next.maxLength = limits.maxLength;
      }
      Reflect.defineMetadata(MODEL_PROPERTIES, next, prototype, metadata.propertyName);
    }
  }
}

const ENVELOPE = { $ref: '#/components/schemas/ErrorResponseDto' };
const UUID_PARAMETERS = new Set(['id', 'userId', 'consentId', 'noticeId', 'disclosureId']);
const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': {
    description: 'Requests allowed in the current window for the tighter of the two budgets (address, user)',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 2147483647 },
  },
  'RateLimit-Remaining': {
    description: 'Requests left in the current window',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 2147483647 },
  },
  'RateLimit-Reset': {
    description: 'Seconds until the window ends',
    schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 3600 },
  },
};
const PUBLIC_PROBES = /^\/(health|\.well-known)\//;

/**
 * What every operation shares and the decorators of each cannot say: the rate limits (SEC-19:
 * headers, 429 with Retry-After), the generic 500, other client errors as the envelope, that every
 * id in a path is a UUID, and the global tags and server.
 */
export function hardenDocument(document: OpenAPIObject): OpenAPIObject {
  const tags = new Set<string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const operation of Object.values(item as Record<string, SchemaLike>)) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) continue;
      for (const tag of (operation.tags as string[] | undefined) ?? []) tags.add(tag);
      for (const parameter of (operation.parameters as SchemaLike[] | undefined) ?? []) {
        if (parameter.in === 'path' && UUID_PARAMETERS.has(String(parameter.name)))
          parameter.schema = { type: 'string', format: 'uuid', maxLength: UUID_LENGTH };
      }
      const responses = operation.responses as Record<string, SchemaLike>;
      const limited = !PUBLIC_PROBES.test(path) || path.startsWith('/.well-known/');
      if (limited) {
        for (const [status, response] of Object.entries(responses)) {
          if (/^[24]/.test(status))
            response.headers = { ...RATE_LIMIT_HEADERS, ...(response.headers as SchemaLike | undefined) };
        }
        responses['429'] ??= {
          description: 'Rate limit reached (per address or per user); retry after the given delay',
          headers: {
            ...RATE_LIMIT_HEADERS,
            'Retry-After': {
              description: 'Seconds to wait',
              schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 3600 },
            },
          },
          content: { 'application/json': { schema: ENVELOPE } },
        };
      }
      responses['4XX'] ??= {
        description: 'Any other client error, as the error envelope',
        ...(limited ? { headers: RATE_LIMIT_HEADERS } : {}),
        content: { 'application/json': { schema: ENVELOPE } },
      };
      responses['500'] ??= {
        description: 'Unexpected error: a generic message and the correlation id, nothing more',
        content: { 'application/json': { schema: ENVELOPE } },
      };
    }
  }
  document.tags = [...tags].sort().map((name) => ({ name }));
  document.servers = [
    Object.assign(
      { url: '/', description: 'This portal, on whatever host serves it (production, staging or local)' },
      // Spectral's OWASP inventory rule: the audience of each server is declared.
      { 'x-internal': false },
    ),
  ];
  return document;
}
