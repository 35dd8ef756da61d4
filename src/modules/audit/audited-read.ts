import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { mergeMap, type Observable } from 'rxjs';
import { auditActor, type Principal } from '../auth/principal';
import { AuditService } from './audit.service';
import type { AuditEvent } from './audit.types';

/**
 * Reads of case data and of the audit trail are recorded in the log (issue 6 item 5, AUD-01/06):
 * who read what, one entry per response, written after the handler succeeded and before the answer
 * leaves, so no answer goes out unrecorded (an append that fails fails the read). A read changes
 * nothing, so the entry is a transaction of its own. Denied reads are not recorded here: the
 * access-denial interceptors record the 404 instead, and no `.view` entry follows.
 */
export interface AuditedReadSpec {
  /** `<resource>.view` for one thing, `<resource>.list` for a page of them (see READ_ACTION_SQL). */
  action: `${string}.view` | `${string}.list`;
  /** The target's type; its id is the route parameter `idParam`, or `idOf` the answer, or null. */
  target: string;
  idParam?: string;
  idOf?: (result: never) => string | null;
  /** The route parameter naming the request read (or `requestOf` for routes not under a request). */
  requestParam?: string;
  requestOf?: (result: never) => string | null;
  /** A list: what the page returned, by id only, never content (capped at MAX_LISTED_IDS). */
  listed?: (result: never) => Array<string | number>;
  /** Small facts that say what was asked (a filter, a version): never content. */
  data?: (result: never, query: Record<string, unknown>) => Record<string, unknown>;
}

const AUDITED_READ = 'mla:audited-read';

/** The largest page the API serves (MAX_PAGE_SIZE); an unpaged list beyond it is cut and marked. */
export const MAX_LISTED_IDS = 100;

/**
 * Read entries by their action (every one ends in `.view` or `.list`), for the request history,
 * which shows the parties what was done with a request, not who looked at it. `entry` is the alias
 * AuditQueryService uses.
 */
export const READ_ACTION_SQL = "(entry.action LIKE '%.view' OR entry.action LIKE '%.list')";

export const AuditedRead = (spec: AuditedReadSpec): MethodDecorator => SetMetadata(AUDITED_READ, spec);

/** The ids of a page's `items`, for `listed`. */
export const itemIds = (result: { items: Array<{ id: string }> }): string[] =>
  result.items.map((item) => item.id);

@Injectable()
export class AuditedReadInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<AuditedReadSpec | undefined>(AUDITED_READ, context.getHandler());
    if (!spec || context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp().getRequest<{
      user?: Principal;
      params?: Record<string, string>;
      query?: Record<string, unknown>;
    }>();
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        await this.audit.record(readEvent(spec, http, result));
        return result;
      }),
    );
  }
}

function readEvent(
  spec: AuditedReadSpec,
  http: { user?: Principal; params?: Record<string, string>; query?: Record<string, unknown> },
  result: unknown,
): AuditEvent {
  const params = http.params ?? {};
  const answer = result as never;
  const data: Record<string, unknown> = spec.data ? spec.data(answer, http.query ?? {}) : {};
  if (spec.listed) {
    const ids = spec.listed(answer);
    data.returned = ids.length;
    data.items = ids.slice(0, MAX_LISTED_IDS);
    if (ids.length > MAX_LISTED_IDS) data.truncated = true;
  }
  const requestId = spec.requestParam
    ? (params[spec.requestParam] ?? null)
    : spec.requestOf
      ? spec.requestOf(answer)
      : null;
  return {
    action: spec.action,
    outcome: 'success',
    actor: http.user ? auditActor(http.user) : null,
    target: {
      type: spec.target,
      id: spec.idParam ? (params[spec.idParam] ?? null) : spec.idOf ? spec.idOf(answer) : null,
    },
    requestId,
    data,
  };
}
