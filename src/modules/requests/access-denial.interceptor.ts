import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import { AuditService } from '../audit/audit.service';
import { auditActor, type Principal } from '../auth/principal';
import { RequestNotFoundError } from './requests.errors';

/**
 * Records every 404 on a request route as `request.access_denied` (SEC-13): probing for requests of
 * other agencies leaves a trace. Absent and invisible requests are recorded alike, so neither the
 * answer nor its timing tells them apart. The entry is not linked to the request, whose history
 * the parties read: it names the probed id as its target.
 */
@Injectable()
export class AccessDenialInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context
      .switchToHttp()
      .getRequest<{ user?: Principal; params?: { id?: string }; method: string }>();
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (!(error instanceof RequestNotFoundError) || !http.user) return throwError(() => error);
        const record = this.audit.record({
          action: 'request.access_denied',
          outcome: 'denied',
          actor: auditActor(http.user),
          target: { type: 'request', id: http.params?.id ?? null },
          data: { operation: `${context.getClass().name}.${context.getHandler().name}`, method: http.method },
        });
        return from(record).pipe(mergeMap(() => throwError(() => error)));
      }),
    );
  }
}
