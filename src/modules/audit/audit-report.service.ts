import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { PortalSigner } from '../../common/crypto/portal-signer';
import type { Principal } from '../auth/principal';
import { auditActor } from '../auth/principal';
import { RequestNotFoundError } from '../requests/requests.errors';
import { AuditService } from './audit.service';
import { canonicalJson } from './canonical-json';
import type { AuditRequestReportDto } from './dto/audit-report.dto';
import { inclusionProof } from './merkle/merkle';
import { SqlNodeReader } from './merkle/node-store';
import { MerkleLogService } from './merkle-log.service';

/** Entries read per query; each one's proof is a further single query. */
const REPORT_BATCH = 500;

/**
 * One request's audit trail in a form a court can be handed: every entry about the request up to a
 * signed checkpoint, each with its RFC 9162 inclusion proof in that checkpoint, so each entry can be
 * shown to be in the log without the rest of the log (which holds other cases) being disclosed.
 *
 * The inclusion proofs show that what is listed is in the log; they cannot show that nothing about
 * the request was left out. That claim is the portal's, and the portal signs the whole report to
 * make it: an auditor who doubts it compares the report with a full export, where every entry's
 * request id is in its hashed body.
 */
@Injectable()
export class AuditReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly merkle: MerkleLogService,
    private readonly audit: AuditService,
    private readonly signer: PortalSigner,
    private readonly clock: Clock,
  ) {}

  async forRequest(principal: Principal, requestId: string): Promise<AuditRequestReportDto> {
    const [request] = await this.dataSource.query<
      Array<{
        id: string;
        reference: string;
        type: string;
        status: string;
        requesting: string;
        requested: string;
      }>
    >(
      `SELECT r."id", r."reference", r."type", r."status", ra."code" AS "requesting", rd."code" AS "requested"
         FROM "cooperation_request" r
         JOIN "agency" ra ON ra."id" = r."requesting_agency_id"
         JOIN "agency" rd ON rd."id" = r."requested_agency_id"
        WHERE r."id" = $1`,
      [requestId],
    );
    if (!request) throw new RequestNotFoundError();
    // The checkpoint is fixed first and the report recorded after it, as for an export: the record
    // of this report is in the log, but not in the report, which could then never be checked.
    const checkpoint = await this.merkle.latestCheckpoint();
    await this.audit.record({
      action: 'audit.report',
      outcome: 'success',
      actor: auditActor(principal),
      target: { type: 'request', id: request.id },
      requestId: request.id,
      data: { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash },
    });
    const reader = new SqlNodeReader(this.dataSource);
    const entries: AuditRequestReportDto['report']['entries'] = [];
    for (let after = 0; ;) {
      const rows = await this.dataSource.query<
        Array<{ seq: string | number; body: string; leaf_hash: string; redacted: boolean }>
      >(
        `SELECT "seq", "body", "leaf_hash", "redacted_at" IS NOT NULL AS "redacted" FROM "audit_entry"
          WHERE "request_id" = $1 AND "seq" > $2 AND "seq" <= $3 ORDER BY "seq" LIMIT $4`,
        [request.id, after, checkpoint.treeSize, REPORT_BATCH],
      );
      for (const row of rows) {
        const seq = Number(row.seq);
        const proof = await inclusionProof(reader, seq - 1, checkpoint.treeSize);
        entries.push({
          seq,
          body: row.body,
          leafHash: Buffer.from(row.leaf_hash, 'hex').toString('base64'),
          inclusionProof: proof.map((hash) => hash.toString('base64')),
          // Past retention: the body is the redaction marker and the leaf hash is the original's.
          ...(row.redacted ? { redacted: true as const } : {}),
        });
      }
      if (rows.length < REPORT_BATCH) break;
      after = Number(rows[rows.length - 1].seq);
    }
    const people = await this.whoIsWho(entries);
    const report: AuditRequestReportDto['report'] = {
      type: 'mla-portal/audit-request-report',
      version: 1,
      issuer: this.signer.name,
      log: this.merkle.origin,
      generatedAt: this.clock.now().toISOString(),
      generatedBy: {
        userId: principal.userId,
        username: principal.username,
        agencyCode: principal.agencyCode,
        role: principal.role,
      },
      request: {
        id: request.id,
        reference: request.reference,
        type: request.type,
        status: request.status,
        requestingAgency: request.requesting,
        requestedAgency: request.requested,
      },
      scope:
        `Every audit entry whose request is ${request.id}, in the log up to tree size ${checkpoint.treeSize}: ` +
        'its actions, the handling of its evidence and messages, and the reads of it.',
      checkpoint: {
        treeSize: checkpoint.treeSize,
        rootHash: checkpoint.rootHash,
        note: checkpoint.note,
        keyId: checkpoint.keyId,
      },
      entries,
      people,
    };
    return { report, signature: this.signer.sign(canonicalJson(report)) };
  }

  /**
   * The names behind the ids the entries carry, as the directory holds them when the report is made,
   * so a court reads "vn.central (VN-CA)" rather than two uuids. Outside the hashed entries: it is the
   * portal's signed statement, not part of what the log proves.
   */
  private async whoIsWho(
    entries: AuditRequestReportDto['report']['entries'],
  ): Promise<AuditRequestReportDto['report']['people']> {
    const users = new Set<string>();
    const agencies = new Set<string>();
    for (const entry of entries) {
      if (entry.redacted) continue;
      const actor = (JSON.parse(entry.body) as { actor?: { user?: string; agency?: string } | null }).actor;
      if (actor?.user) users.add(actor.user);
      if (actor?.agency) agencies.add(actor.agency);
    }
    const [userRows, agencyRows] = await Promise.all([
      users.size === 0
        ? []
        : this.dataSource.query<Array<{ id: string; username: string; display_name: string }>>(
            'SELECT "id", "username", "display_name" FROM "user_account" WHERE "id" = ANY($1::uuid[])',
            [[...users]],
          ),
      agencies.size === 0
        ? []
        : this.dataSource.query<Array<{ id: string; code: string; name: string }>>(
            'SELECT "id", "code", "name" FROM "agency" WHERE "id" = ANY($1::uuid[])',
            [[...agencies]],
          ),
    ]);
    return {
      users: Object.fromEntries(
        userRows.map((row) => [row.id, { username: row.username, displayName: row.display_name }]),
      ),
      agencies: Object.fromEntries(agencyRows.map((row) => [row.id, { code: row.code, name: row.name }])),
    };
  }
}
