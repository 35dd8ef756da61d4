import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { DateTime } from 'luxon';
import { DataSource, Not, type EntityManager } from 'typeorm';
import {
  DeadlineUnit,
  EMERGENCY_REVIEW_DEADLINE,
  ErrorCode,
  MessageKind,
  RequestAction,
  RequestStatus,
  RequestType,
  type ProfileDeadline,
  type RequestTypeRules,
} from '@mla/contracts';
import { Clock } from '../../../common/clock';
import { DomainError } from '../../../common/errors/domain-error';
import { AppConfig } from '../../../config/app-config';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import type { AgencyEntity } from '../../directory/agency.entity';
import { CooperationRequestEntity } from '../cooperation-request.entity';
import type { DeadlineDto } from '../dto/request.dto';
import { SystemTransitions } from '../lifecycle/system-transitions';
import { writeMessage } from '../request-messages';
import { RequestDeadlineEntity, type DeadlineStatus } from './request-deadline.entity';

export class PreservationNotExtendableError extends DomainError {
  readonly code = ErrorCode.PreservationNotExtendable;
  constructor(why: string) {
    super(`The preservation cannot be extended: ${why}`);
  }
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Deadlines handled per job transaction batch; the rest wait for the next run. */
const BATCH = 100;

/** What a request's new status does to its open deadlines. */
const SETTLES: Partial<Record<RequestStatus, DeadlineStatus>> = {
  [RequestStatus.Executed]: 'met',
  [RequestStatus.PartiallyExecuted]: 'met',
  [RequestStatus.Refused]: 'cancelled',
  [RequestStatus.Withdrawn]: 'cancelled',
  [RequestStatus.Closed]: 'cancelled',
};

/**
 * Deadlines of requests (domain.md §6.3, issue 4 item 6). Each is computed from the request's own
 * profile version when its starting event happens, and stored as a UTC instant. A job, safe with
 * several instances (rows claimed FOR UPDATE SKIP LOCKED), posts warnings and expiry notices as
 * portal messages both sides see, and lapses what the profile says lapses.
 */
@Injectable()
export class DeadlineService {
  private readonly logger = new Logger(DeadlineService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly system: SystemTransitions,
  ) {}

  /** Opens the deadlines the request's profile starts at `event` (e.g. `transmitted`). */
  async start(
    manager: EntityManager,
    request: CooperationRequestEntity,
    rules: RequestTypeRules,
    event: string,
    at: Date,
  ): Promise<void> {
    for (const rule of rules.deadlines.filter((deadline) => deadline.start === event)) {
      const dueAt = await this.dueAt(manager, rule, request, at);
      if (!dueAt || dueAt.getTime() < at.getTime()) continue;
      const warnBeforeDays = rule.warnBeforeDays ?? [];
      await manager
        .createQueryBuilder()
        .insert()
        .into(RequestDeadlineEntity)
        .values({
          requestId: request.id,
          name: rule.name,
          startsAt: at,
          dueAt,
          onExpiry: rule.onExpiry,
          warnBeforeDays,
          nextWarningAt: nextWarning(dueAt, warnBeforeDays, at),
          status: 'open',
          settledAt: null,
        })
        // A deadline starts once: a repeated event (a second acceptance) does not restart its clock.
        .orIgnore()
        .execute();
    }
  }

  /**
   * Settles the open deadlines of a request that reached `status`, where that status settles them.
   * The post-event review of an emergency starts at execution and is met only by recording it.
   */
  async settle(manager: EntityManager, requestId: string, status: RequestStatus, at: Date): Promise<void> {
    const outcome = SETTLES[status];
    if (!outcome) return;
    await manager.update(
      RequestDeadlineEntity,
      { requestId, status: 'open', name: Not(EMERGENCY_REVIEW_DEADLINE) },
      { status: outcome, settledAt: at, nextWarningAt: null },
    );
  }

  /** Marks one named open deadline met (a written confirmation given by transmission). */
  async meet(manager: EntityManager, requestId: string, name: string, at: Date): Promise<void> {
    await manager.update(
      RequestDeadlineEntity,
      { requestId, name, status: 'open' },
      { status: 'met', settledAt: at, nextWarningAt: null },
    );
  }

  async forRequests(
    manager: EntityManager,
    requestIds: string[],
  ): Promise<Map<string, RequestDeadlineEntity[]>> {
    const byRequest = new Map<string, RequestDeadlineEntity[]>();
    if (requestIds.length === 0) return byRequest;
    const rows = await manager
      .createQueryBuilder(RequestDeadlineEntity, 'deadline')
      .where('deadline.request_id IN (:...requestIds)', { requestIds })
      .orderBy('deadline.due_at', 'ASC')
      .getMany();
    for (const row of rows) byRequest.set(row.requestId, [...(byRequest.get(row.requestId) ?? []), row]);
    return byRequest;
  }

  /** A deadline as each side reads it: the UTC instant, and the local time of both agencies. */
  toDto(deadline: RequestDeadlineEntity, requesting: AgencyEntity, requested: AgencyEntity): DeadlineDto {
    const local = (zone: string) => ({
      local: DateTime.fromJSDate(deadline.dueAt, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss"),
      timeZone: zone,
    });
    return {
      name: deadline.name,
      status: deadline.status,
      startsAt: deadline.startsAt.toISOString(),
      dueAt: deadline.dueAt.toISOString(),
      dueAtRequestingSide: local(requesting.timeZone),
      dueAtRequestedSide: local(requested.timeZone),
      overdue: deadline.status === 'open' && deadline.dueAt.getTime() < this.clock.now().getTime(),
      onExpiry: deadline.onExpiry,
    };
  }

  /**
   * Extends an open preservation period by the profile's period, from its current end (the requested
   * side records it, BUD 29(7) / UNCC 42). Returns the old and new ends; throws when it cannot.
   */
  async extendPreservation(
    manager: EntityManager,
    request: CooperationRequestEntity,
    rules: RequestTypeRules,
    at: Date,
  ): Promise<{ from: Date; to: Date }> {
    const refuse = (why: string) => new PreservationNotExtendableError(why);
    if (request.type !== RequestType.Preservation || !rules.preservation)
      throw refuse('only a preservation period is extended');
    if (!rules.preservation.extensionAllowed) throw refuse('the profile does not provide for an extension');
    const deadline = await manager.findOne(RequestDeadlineEntity, {
      where: { requestId: request.id, name: 'preservation_minimum' },
      lock: { mode: 'pessimistic_write' },
    });
    if (!deadline || deadline.status !== 'open') {
      throw refuse(
        deadline
          ? `the preservation period is ${deadline.status}`
          : 'the preservation period has not started',
      );
    }
    const to = new Date(deadline.dueAt.getTime() + rules.preservation.minimumDays * DAY_MS);
    await manager.update(
      RequestDeadlineEntity,
      { id: deadline.id },
      { dueAt: to, nextWarningAt: nextWarning(to, deadline.warnBeforeDays, at) },
    );
    await this.remind(
      manager,
      deadline,
      at,
      `The preservation period is extended until ${to.toISOString()}.`,
    );
    return { from: deadline.dueAt, to };
  }

  @Interval('request-deadlines', 60_000)
  async scheduled(): Promise<void> {
    if (!this.config.deadlines.jobEnabled) return;
    const handled = await this.runDue();
    if (handled > 0) this.logger.log({ deadlines: handled }, 'deadlines handled');
  }

  /** Posts due warnings and expiries, one deadline per transaction; returns how many it handled. */
  async runDue(): Promise<number> {
    let handled = 0;
    for (let index = 0; index < BATCH; index += 1) {
      const done = await this.transactions.run((manager) => this.handleNext(manager));
      if (!done) break;
      handled += 1;
    }
    return handled;
  }

  /** Claims one due deadline (others running the job skip it) and acts on it. */
  private async handleNext(manager: EntityManager): Promise<boolean> {
    const now = this.clock.now();
    const [claimed] = await manager
      .createQueryBuilder(RequestDeadlineEntity, 'deadline')
      .where(`deadline.status = 'open' AND (deadline.due_at <= :now OR deadline.next_warning_at <= :now)`, {
        now,
      })
      .orderBy('deadline.due_at', 'ASC')
      .limit(1)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
    if (!claimed) return false;
    if (claimed.dueAt.getTime() <= now.getTime()) await this.expire(manager, claimed, now);
    else await this.warn(manager, claimed, now);
    return true;
  }

  private async warn(manager: EntityManager, deadline: RequestDeadlineEntity, now: Date): Promise<void> {
    const days = Math.ceil((deadline.dueAt.getTime() - now.getTime()) / DAY_MS);
    // A date the requesting side asked for comes with its reasons, which the requested side must
    // weigh (UNCAC 46(24)): the reminder repeats them.
    const request = await manager.findOneByOrFail(CooperationRequestEntity, { id: deadline.requestId });
    const reasons = deadline.name === 'requester_suggested' ? request.urgency.reasons : undefined;
    await this.remind(
      manager,
      deadline,
      now,
      `Deadline ${deadline.name} falls due on ${deadline.dueAt.toISOString()} (in ${days} day${days === 1 ? '' : 's'}).` +
        (reasons ? ` Reasons given: ${reasons}` : ''),
    );
    await manager.update(
      RequestDeadlineEntity,
      { id: deadline.id },
      { nextWarningAt: nextWarning(deadline.dueAt, deadline.warnBeforeDays, now) },
    );
    await this.audit.append(manager, {
      action: 'request.deadline_warning',
      outcome: 'success',
      actor: null,
      target: { type: 'request', id: deadline.requestId },
      requestId: deadline.requestId,
      data: { deadline: deadline.name, dueAt: deadline.dueAt.toISOString(), daysLeft: days },
    });
  }

  private async expire(manager: EntityManager, deadline: RequestDeadlineEntity, now: Date): Promise<void> {
    await manager.update(
      RequestDeadlineEntity,
      { id: deadline.id },
      { status: 'expired', settledAt: now, nextWarningAt: null },
    );
    // Locked from here to the lapse, so the status it lapses from is the one read now, and the
    // expiry notice and its audit entry (written first) can say whether it lapses.
    const request = deadline.onExpiry.startsWith('lapse')
      ? await manager.findOneOrFail(CooperationRequestEntity, {
          where: { id: deadline.requestId },
          lock: { mode: 'for_no_key_update' },
        })
      : undefined;
    const lapsed = request !== undefined && this.system.canFire(request, RequestAction.Lapse);
    await this.remind(
      manager,
      deadline,
      now,
      `Deadline ${deadline.name} passed on ${deadline.dueAt.toISOString()}.` +
        (lapsed ? ' Nobody extended it or followed it up: the request has lapsed.' : ''),
    );
    await this.audit.append(manager, {
      action: 'request.deadline_expired',
      outcome: 'success',
      actor: null,
      target: { type: 'request', id: deadline.requestId },
      requestId: deadline.requestId,
      data: { deadline: deadline.name, dueAt: deadline.dueAt.toISOString(), lapsed },
    });
    if (request && lapsed) {
      await this.system.fire(manager, request, RequestAction.Lapse, {
        actor: null,
        at: now,
        data: { to: RequestStatus.Lapsed, deadline: deadline.name },
      });
    }
  }

  private async remind(manager: EntityManager, deadline: RequestDeadlineEntity, now: Date, body: string) {
    await writeMessage(manager, null, deadline.requestId, MessageKind.DeadlineReminder, body, now);
  }

  /** The instant a profile deadline falls due for this request, or undefined when it has none. */
  private async dueAt(
    manager: EntityManager,
    rule: ProfileDeadline,
    request: CooperationRequestEntity,
    at: Date,
  ): Promise<Date | undefined> {
    switch (rule.unit) {
      case DeadlineUnit.CalendarDays:
        return rule.amount ? new Date(at.getTime() + rule.amount * DAY_MS) : undefined;
      case DeadlineUnit.Hours:
        return rule.amount ? new Date(at.getTime() + rule.amount * HOUR_MS) : undefined;
      case DeadlineUnit.WorkingDays: {
        if (!rule.amount) return undefined;
        // Working days of the requested state: weekends skipped in its own time zone. Public
        // holidays are not in the directory yet, so they count as working days (documented).
        const [agency] = await manager.query<Array<{ time_zone: string }>>(
          'SELECT "time_zone" FROM "agency" WHERE "id" = $1',
          [request.requestedAgencyId],
        );
        let day = DateTime.fromJSDate(at, { zone: agency?.time_zone ?? 'UTC' });
        for (let left = rule.amount; left > 0;) {
          day = day.plus({ days: 1 });
          if (day.weekday <= 5) left -= 1;
        }
        return day.toJSDate();
      }
      case DeadlineUnit.AsRequested:
        return request.urgency.requestedBy ? new Date(request.urgency.requestedBy) : undefined;
    }
  }
}

/** The next warning instant still ahead of `now`, or null when none is left. */
function nextWarning(dueAt: Date, warnBeforeDays: readonly number[], now: Date): Date | null {
  const ahead = warnBeforeDays
    .map((days) => new Date(dueAt.getTime() - days * DAY_MS))
    .filter((instant) => instant.getTime() > now.getTime())
    .sort((a, b) => a.getTime() - b.getTime());
  return ahead[0] ?? null;
}
