import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PortalSigner } from '../../../common/crypto/portal-signer';
import { beforeCommit } from '../../../database/transaction-runner';
import { canonicalJson } from '../../audit/canonical-json';
import { MerkleLogService } from '../../audit/merkle-log.service';
import type { Principal } from '../../auth/principal';
import { AgencyEntity } from '../../directory/agency.entity';
import type { CooperationRequestEntity } from '../cooperation-request.entity';
import { RequestContentVersionEntity } from '../lifecycle/request-content-version.entity';
import { RequestTransmissionReceiptEntity } from './transmission-receipt.entity';

export const TRANSMISSION_RECEIPT_TYPE = 'mla-portal/transmission-receipt';

export interface SignedTransmissionReceipt {
  receipt: Record<string, unknown>;
  signature: RequestTransmissionReceiptEntity['receiptSignature'];
}

/**
 * Signed receipts of transmissions (domain.md §6.2 T5, issue 6 item 8), built like the evidence
 * upload receipt: both sides hold the portal to what was sent, when and by whom, and to a log
 * checkpoint that contains the transmission's audit entry.
 */
@Injectable()
export class TransmissionReceipts {
  constructor(
    private readonly signer: PortalSigner,
    private readonly merkle: MerkleLogService,
  ) {}

  /**
   * Writes the receipt of the transmission recorded by audit entry `entryId`, at the end of the
   * transmitting transaction. Call after the content version was recorded and the entry appended:
   * the receipt names the entry's place in the log, known only once the log has written it, so it
   * runs as a commit hook after the log's own, still inside the transaction and under its lock.
   */
  issue(
    manager: EntityManager,
    principal: Principal,
    request: CooperationRequestEntity,
    entryId: string,
    transmittedAt: Date,
  ): void {
    const registered = beforeCommit(manager, async () => {
      // The snapshot is the version row as stored: what GET /v1/requests/{id}/versions/{n} returns,
      // so either side can recompute the hash from what it holds.
      const sent = await manager.findOneByOrFail(RequestContentVersionEntity, {
        requestId: request.id,
        contentVersion: request.contentVersion,
      });
      const agencies = await manager.findBy(AgencyEntity, [
        { id: request.requestingAgencyId },
        { id: request.requestedAgencyId },
      ]);
      const party = (id: string) => {
        const agency = agencies.find((candidate) => candidate.id === id);
        if (!agency) throw new Error(`agency ${id} of request ${request.id} is missing`);
        return { id: agency.id, code: agency.code, stateCode: agency.stateCode };
      };
      const receipt = {
        type: TRANSMISSION_RECEIPT_TYPE,
        version: 1,
        issuer: this.signer.name,
        request: {
          id: request.id,
          reference: request.reference,
          type: request.type,
          legalBasis: request.legalBasis,
          profileVersion: request.profileVersion,
          requestingAgency: party(request.requestingAgencyId),
          requestedAgency: party(request.requestedAgencyId),
        },
        transmission: {
          transmittedAt: transmittedAt.toISOString(),
          // Through the portal itself: the requested side receives it here, not by another route.
          channel: 'mla-portal',
          contentVersion: sent.contentVersion,
          content: {
            canonicalization: 'RFC 8785',
            hashAlgorithm: 'SHA-256',
            sha256: createHash('sha256').update(canonicalJson(sent.content), 'utf8').digest('hex'),
          },
        },
        transmitter: {
          userId: principal.userId,
          username: principal.username,
          agencyId: principal.agencyId,
          agencyCode: principal.agencyCode,
          role: principal.role,
        },
        audit: await this.merkle.receiptWitness(manager, entryId),
      };
      const text = canonicalJson(receipt);
      await manager.insert(RequestTransmissionReceiptEntity, {
        auditEntryId: entryId,
        requestId: request.id,
        contentVersion: sent.contentVersion,
        transmittedAt,
        receipt: text,
        receiptSignature: this.signer.sign(text),
      });
    });
    // A transmission outside a use-case transaction would have no entry to name: a programming error.
    if (!registered) throw new Error('a transmission receipt is issued inside the transmitting transaction');
  }

  /** Every receipt of the request, newest first. The caller has checked the request is visible. */
  async of(manager: EntityManager, requestId: string): Promise<SignedTransmissionReceipt[]> {
    const rows = await manager.find(RequestTransmissionReceiptEntity, {
      where: { requestId },
      order: { transmittedAt: 'DESC', auditEntryId: 'ASC' },
    });
    return rows.map((row) => ({
      receipt: JSON.parse(row.receipt) as Record<string, unknown>,
      signature: row.receiptSignature,
    }));
  }
}
