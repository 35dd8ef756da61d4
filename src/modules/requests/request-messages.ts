import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { MessageKind } from '@mla/contracts';
import { RequestMessageEntity } from './request-message.entity';

/** A user writing for their agency, or null for the portal itself (reminders, emergency alerts). */
export type MessageAuthor = { readonly userId: string; readonly agencyId: string } | null;

/** Writes a message of the portal thread, visible to both sides. */
export async function writeMessage(
  manager: EntityManager,
  author: MessageAuthor,
  requestId: string,
  kind: MessageKind,
  body: string,
  at: Date,
): Promise<RequestMessageEntity> {
  const message = manager.create(RequestMessageEntity, {
    id: randomUUID(),
    requestId,
    kind,
    body,
    authorId: author?.userId ?? null,
    authorAgencyId: author?.agencyId ?? null,
    createdAt: at,
  });
  await manager.insert(RequestMessageEntity, message);
  return message;
}
