import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RequestAction, RequestStatus } from '@mla/contracts';
import type { Principal } from '../auth/principal';
import type { CooperationRequestEntity } from './cooperation-request.entity';

/** A transition that has just been written, still inside its transaction. */
export interface TransitionEvent {
  principal: Principal;
  request: CooperationRequestEntity;
  action: RequestAction;
  to: RequestStatus;
  now: Date;
}

export type TransitionListener = (manager: EntityManager, event: TransitionEvent) => Promise<void>;

/**
 * Lets modules built on requests react to a transition in the same transaction, without the
 * requests module depending on them (evidence seals what is left when a request is marked
 * executed). A listener that throws aborts the transition with it.
 */
@Injectable()
export class TransitionListeners {
  private readonly listeners: TransitionListener[] = [];

  register(listener: TransitionListener): void {
    this.listeners.push(listener);
  }

  async notify(manager: EntityManager, event: TransitionEvent): Promise<void> {
    for (const listener of this.listeners) await listener(manager, event);
  }
}
