import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import { AuditService } from '../audit/audit.service';
import { auditActor, type Principal } from '../auth/principal';
import { EvidenceNotFoundError, EvidencePackageNotFoundError } from './evidence.errors';

/**
 * Records every 404 on an evidence or package route as `evidence.access_denied` (SEC-13, B2), as
 * AccessDenialInterceptor does for requests: absent and invisible items leave the same trace.
 */
@Injectable()
export class EvidenceAccessDenialInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context
      .switchToHttp()
      .getRequest<{ user?: Principal; params?: { id?: string }; method: string }>();
    return next.handle().pipe(
      catchError((error: unknown) => {
        const evidence = error instanceof EvidenceNotFoundError;
        if (!(evidence || error instanceof EvidencePackageNotFoundError) || !http.user)
          return throwError(() => error);
        const record = this.audit.record({
          action: 'evidence.access_denied',
          outcome: 'denied',
          actor: auditActor(http.user),
          // Not the item's custody trail: the probed id is only named, whether it exists or not.
          target: {
            type: evidence ? 'evidence_probe' : 'evidence_package_probe',
            id: http.params?.id ?? null,
          },
          data: { operation: `${context.getClass().name}.${context.getHandler().name}`, method: http.method },
        });
        return from(record).pipe(mergeMap(() => throwError(() => error)));
      }),
    );
  }
}
