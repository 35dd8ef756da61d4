import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type Type } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { LinkRelation, MessageKind, RequestAction, RequestType } from '@mla/contracts';
import { createValidationPipe } from '../../common/validation/validation.pipe';
import { AppConfig } from '../../config/app-config';
import { AuditEntryEntity } from '../../modules/audit/audit-entry.entity';
import { AuditService } from '../../modules/audit/audit.service';
import { principalOf, type Principal } from '../../modules/auth/principal';
import { AgencyEntity } from '../../modules/directory/agency.entity';
import { CooperationRequestEntity } from '../../modules/requests/cooperation-request.entity';
import { CreateRequestDto } from '../../modules/requests/dto/create-request.dto';
import { CreateMessageDto } from '../../modules/requests/dto/message.dto';
import { TransitionDto } from '../../modules/requests/dto/transition.dto';
import { MessagesService } from '../../modules/requests/messages.service';
import { RequestsService } from '../../modules/requests/requests.service';
import { UserEntity } from '../../modules/users/user.entity';
import { TransactionRunner } from '../transaction-runner';
import { Clock } from '../../common/clock';

const DAY_MS = 24 * 60 * 60 * 1000;
import { DEMO_ACCOUNTS } from './demo-directory';

/** The audit entry that claims the seeding, so a second instance starting meanwhile leaves it alone. */
export const DEMO_REQUESTS_AUDIT_ACTION = 'system.demo_requests';

type DemoUsername = (typeof DEMO_ACCOUNTS)[number]['username'];
type TransitionStep = { as: DemoUsername; action: RequestAction } & Partial<
  Pick<TransitionDto, 'reason' | 'grounds' | 'consultationSkippedReason' | 'conditions' | 'itemOutcomes'>
> & {
    /** Routes the request to the demo agency with this code (assess). */
    routeTo?: string;
    /** The postponement's expected resume date, this many days after seeding. */
    resumeInDays?: number;
  };
type Step = TransitionStep | { as: DemoUsername; message: MessageKind; body: string };

interface DemoRequest {
  as: DemoUsername;
  to: string;
  body: Record<string, unknown>;
  /** The reference of an earlier demo preservation this request follows up. */
  followUpOf?: string;
  steps: Step[];
}

const APPROVED_AND_SENT: Step[] = [
  { as: 'vn.officer', action: RequestAction.Submit },
  { as: 'vn.supervisor', action: RequestAction.Approve },
  { as: 'vn.central', action: RequestAction.Transmit },
];
const RECEIVED_IN_FRANCE: Step[] = [
  ...APPROVED_AND_SENT,
  { as: 'fr.central', action: RequestAction.Acknowledge },
];

/**
 * Sample requests from Viet Nam to France, one or two in each stage of the lifecycle, so a new user
 * sees the workflow at once (docs/workflow.md, "Trying it out"). Made through the same services and
 * validation as the API, acting as the demo users, so their history, messages and assignments are
 * exactly what those users would have produced.
 */
export const DEMO_REQUESTS: readonly DemoRequest[] = [
  {
    as: 'vn.officer',
    to: 'FR-CA',
    body: mla({
      title: 'Crypto-exchange accounts used to launder ransom payments',
      reference: 'C50-2026-0201',
      measures: ['provide_records', 'trace_proceeds'],
    }),
    steps: [],
  },
  {
    as: 'vn.officer',
    to: 'FR-CA',
    body: mla({
      title: 'Subscriber data behind a sextortion account',
      reference: 'C50-2026-0188',
      measures: ['access_stored_data'],
    }),
    steps: [{ as: 'vn.officer', action: RequestAction.Submit }],
  },
  {
    as: 'vn.officer',
    to: 'FR-CA',
    body: mla({
      title: 'Phishing site hosted in France',
      reference: 'C50-2026-0142',
      measures: ['access_stored_data', 'take_evidence_statement'],
    }),
    steps: APPROVED_AND_SENT,
  },
  {
    as: 'vn.officer',
    to: 'FR-CA',
    body: mla({
      title: 'Server logs of a botnet command server',
      reference: 'C50-2026-0117',
      measures: ['access_stored_data'],
    }),
    steps: [
      ...RECEIVED_IN_FRANCE,
      {
        as: 'fr.executing',
        action: RequestAction.RequestClarification,
        reason: 'In which time zone are the connection times given?',
      },
      {
        as: 'vn.officer',
        action: RequestAction.AnswerClarification,
        reason: 'All times are Asia/Ho_Chi_Minh (UTC+7).',
      },
    ],
  },
  {
    as: 'vn.officer',
    to: 'FR-CA',
    body: mla({
      title: 'E-mail account used in a business e-mail compromise',
      reference: 'C50-2026-0096',
      measures: ['access_stored_data', 'provide_records'],
    }),
    steps: [
      ...RECEIVED_IN_FRANCE,
      { as: 'fr.central', action: RequestAction.Accept },
      { as: 'fr.executing', action: RequestAction.StartExecution },
      {
        as: 'vn.officer',
        message: MessageKind.StatusEnquiry,
        body: 'Is there an expected date for the data?',
      },
      {
        as: 'fr.executing',
        message: MessageKind.StatusUpdate,
        body: 'The production order was served on the provider; we expect the data within two weeks.',
      },
    ],
  },
  {
    as: 'vn.officer',
    to: 'FR-CA',
    body: mla({
      title: 'Statements from a French travel agency',
      reference: 'C50-2026-0073',
      measures: ['take_evidence_statement'],
    }),
    steps: [
      ...RECEIVED_IN_FRANCE,
      {
        as: 'fr.central',
        action: RequestAction.Refuse,
        grounds: ['REF_DE_MINIMIS'],
        reason:
          'The loss described is EUR 180 and the statements sought are available from the victim; ' +
          'hearing the agency staff would be out of proportion to the matter.',
        consultationSkippedReason: 'No condition could make a hearing proportionate to a EUR 180 loss.',
      },
    ],
  },
  {
    as: 'vn.officer',
    to: 'FR-CA',
    body: mla({
      title: 'Chat logs of a ransomware negotiation',
      reference: 'C50-2026-0245',
      measures: ['access_stored_data'],
    }),
    // Routed by the French central authority to its cybercrime office, which now assesses it.
    steps: [...RECEIVED_IN_FRANCE, { as: 'fr.central', action: RequestAction.Assess, routeTo: 'FR-OFAC' }],
  },
  {
    as: 'vn.officer',
    to: 'FR-CA',
    body: mla({
      title: 'Cloud storage of a child-abuse forum administrator',
      reference: 'C50-2026-0212',
      measures: ['access_stored_data'],
    }),
    steps: [
      ...RECEIVED_IN_FRANCE,
      { as: 'fr.central', action: RequestAction.Accept },
      { as: 'fr.executing', action: RequestAction.StartExecution },
      {
        as: 'fr.central',
        action: RequestAction.StartConsultation,
        grounds: ['POST_ONGOING_PROCEEDINGS'],
        reason: 'A French investigation of the same administrator plans searches next month.',
      },
      {
        as: 'fr.central',
        action: RequestAction.Postpone,
        grounds: ['POST_ONGOING_PROCEEDINGS'],
        reason: 'Producing the data now would alert the suspect before the French searches.',
        resumeInDays: 45,
      },
    ],
  },
  {
    as: 'vn.officer',
    to: 'FR-CA',
    body: mla({
      title: 'Defence ministry contractor used as a proxy',
      reference: 'C50-2026-0199',
      measures: ['access_stored_data', 'take_evidence_statement'],
    }),
    steps: [
      ...RECEIVED_IN_FRANCE,
      { as: 'fr.central', action: RequestAction.Assess },
      {
        as: 'fr.central',
        action: RequestAction.StartConsultation,
        grounds: ['REF_ESSENTIAL_INTERESTS'],
        reason: 'The contractor works on classified projects; France can assist only on terms.',
      },
      {
        as: 'fr.central',
        action: RequestAction.ProposeConditions,
        reason: 'France can provide the logs on these conditions.',
        conditions: [
          { type: 'cond_confidential', text: 'Keep the material and the fact of the request confidential.' },
          { type: 'cond_speciality', text: 'Use only in the proceedings named in the request.' },
        ],
      },
    ],
  },
  {
    as: 'vn.officer',
    to: 'FR-CA',
    body: mla({
      title: 'Mailbox of a romance-scam network',
      reference: 'C50-2026-0154',
      measures: ['provide_records', 'intercept_content'],
    }),
    steps: [
      ...RECEIVED_IN_FRANCE,
      { as: 'fr.central', action: RequestAction.Accept },
      { as: 'fr.executing', action: RequestAction.StartExecution },
      {
        as: 'fr.executing',
        action: RequestAction.MarkPartiallyExecuted,
        itemOutcomes: [
          { item: 'measure:provide_records', outcome: 'executed' },
          {
            item: 'measure:intercept_content',
            outcome: 'refused',
            groundCode: 'REF_DOMESTIC_PROHIBITION',
            reason: 'French law allows interception only for offences punishable by two years or more.',
          },
        ],
      },
    ],
  },
  {
    as: 'vn.officer',
    to: 'FR-247',
    body: {
      ...mla({
        title: 'Preserve hosting logs of the phishing site',
        reference: 'C50-2026-0141',
        measures: [],
      }),
      type: RequestType.Preservation,
      urgency: { level: 'urgent', reasons: 'The provider keeps connection logs for 90 days only' },
      assistanceSought: { measures: [], description: 'Expedited preservation of stored data' },
      preservation: {
        dataCategories: ['subscriber', 'traffic'],
        relationshipToOffence: 'The site collected the credentials used in the thefts.',
        necessity: 'The provider keeps connection logs for 90 days only.',
        custodian: { provider: 'Example Hosting SAS' },
        intentToRequestMla: true,
        intendedMeasure: 'production of stored subscriber and traffic data',
      },
    },
    steps: [
      ...APPROVED_AND_SENT,
      { as: 'fr.contact', action: RequestAction.Acknowledge },
      { as: 'fr.contact', action: RequestAction.Accept },
    ],
  },
  {
    as: 'vn.officer',
    to: 'FR-CA',
    body: {
      ...mla({
        title: 'Insider at a Vietnamese bank',
        reference: 'C50-2026-0230',
        measures: ['access_stored_data'],
      }),
      // Need-to-know: in France only those who may assign see it until someone is assigned.
      confidential: true,
    },
    steps: RECEIVED_IN_FRANCE,
  },
  {
    // The production request that follows the preservation above: on transmission France holds the data.
    as: 'vn.officer',
    to: 'FR-CA',
    followUpOf: 'C50-2026-0141',
    body: {
      ...mla({
        title: 'Hosting account data following the preservation',
        reference: 'C50-2026-0143',
        measures: ['access_stored_data'],
      }),
      type: RequestType.StoredDataAccess,
      details: {
        dataCategories: ['subscriber', 'traffic'],
        custodian: { provider: 'Example Hosting SAS', systemLocation: 'Roubaix data centre' },
        formOfProduction: 'certified_copy',
        authenticationRequested: 'business_records_certificate',
        basisForBelief:
          'The provider’s abuse desk confirmed the account is hosted in its French data centre.',
        preservationRef: 'C50-2026-0141',
      },
    },
    steps: RECEIVED_IN_FRANCE,
  },
  {
    // The emergency track: the French 24/7 point is alerted and must answer within hours.
    as: 'vn.officer',
    to: 'FR-247',
    body: {
      ...mla({
        title: 'Kidnapped child: login data of the kidnappers’ mailbox',
        reference: 'C50-2026-0250',
        measures: [],
      }),
      type: RequestType.EmergencyDisclosure,
      legalBasis: 'budapest_p2',
      urgency: {
        level: 'emergency',
        reasons: 'A kidnapped child is held for ransom; the kidnappers threaten to harm her tonight.',
      },
      assistanceSought: { measures: [], description: 'Immediate disclosure of stored data (BUD-P2 Art 9)' },
      details: {
        provider: { name: 'Example Mail SAS', address: '1 place Example, 75001 Paris', country: 'FR' },
        emergencyFacts:
          'A child was kidnapped in Hanoi; the kidnappers send their demands from this mailbox.',
        dataRelation: 'The login IP addresses show where the kidnappers connect from.',
        dataDescription: 'Subscriber data and login IP addresses of the mailbox over the last 72 hours.',
        specialInstructions: 'Do not notify the user.',
      },
    },
    steps: APPROVED_AND_SENT,
  },
  {
    as: 'vn.officer',
    to: 'FR-CA',
    body: {
      ...mla({
        title: 'Hearing of the hosting company’s manager by video link',
        reference: 'C50-2026-0261',
        measures: ['take_evidence_statement'],
      }),
      type: RequestType.VideoHearing,
      details: {
        person: { name: 'Claire Martin', role: 'witness' },
        language: 'fr',
        interpreter: true,
        conductingAuthority: 'Hanoi People’s Court, with a French investigating judge attending',
        proposedAt: { local: '2026-05-12T09:30:00', timeZone: 'Europe/Paris' },
        technicalContact: 'Court IT desk, +84 24 0000 0000',
        recordingRules: 'Recorded by the requesting court; a copy for the French judge.',
      },
    },
    steps: [],
  },
];

@Injectable()
export class DemoRequestSeeder {
  private readonly logger = new Logger(DemoRequestSeeder.name);
  private readonly validation = createValidationPipe();

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly requests: RequestsService,
    private readonly messages: MessagesService,
    private readonly clock: Clock,
  ) {}

  /** Seeds the sample requests once, into a database that has no request and never had them. */
  async seed(): Promise<void> {
    // The services open a transaction per step, so the seeding cannot be one transaction: it is
    // claimed first, under the audit log's lock, by an entry that stays in the log for good.
    const claimed = await this.transactions.run(async (manager) => {
      await manager.query('SELECT "id" FROM "audit_head" WHERE "id" = 1 FOR UPDATE');
      if ((await manager.count(CooperationRequestEntity)) > 0) return false;
      if (await manager.exists(AuditEntryEntity, { where: { action: DEMO_REQUESTS_AUDIT_ACTION } }))
        return false;
      await this.audit.append(manager, {
        action: DEMO_REQUESTS_AUDIT_ACTION,
        outcome: 'success',
        actor: null,
        target: { type: 'directory', id: null },
        data: { requests: DEMO_REQUESTS.length },
      });
      return true;
    });
    if (!claimed) return;

    const principals = await this.principals();
    const agencyIds = new Map(
      (await this.dataSource.manager.find(AgencyEntity)).map((agency) => [agency.code, agency.id]),
    );
    const idByReference = new Map<string, string>();
    for (const demo of DEMO_REQUESTS) {
      const requestedAgencyId = agencyIds.get(demo.to);
      if (!requestedAgencyId) throw new Error(`Demo agency ${demo.to} is missing`);
      const followed = demo.followUpOf ? idByReference.get(demo.followUpOf) : undefined;
      if (demo.followUpOf && !followed) throw new Error(`Demo request ${demo.followUpOf} comes later`);
      const links = followed ? [{ requestId: followed, relation: LinkRelation.FollowUpOfPreservation }] : [];
      const created = await this.requests.create(
        principals(demo.as),
        await this.validated(CreateRequestDto, { ...demo.body, requestedAgencyId, links }),
      );
      idByReference.set(created.reference, created.id);
      for (const step of demo.steps) {
        if ('message' in step) {
          await this.messages.post(
            principals(step.as),
            created.id,
            await this.validated(CreateMessageDto, { kind: step.message, body: step.body }),
          );
        } else {
          const { as, routeTo, resumeInDays, ...transition } = step;
          const routed = routeTo ? agencyIds.get(routeTo) : undefined;
          if (routeTo && !routed) throw new Error(`Demo agency ${routeTo} is missing`);
          await this.requests.transition(
            principals(as),
            created.id,
            await this.validated(TransitionDto, {
              ...transition,
              ...(routed ? { executingAgencyId: routed } : {}),
              ...(resumeInDays
                ? {
                    expectedResumeAt: new Date(
                      this.clock.now().getTime() + resumeInDays * DAY_MS,
                    ).toISOString(),
                  }
                : {}),
            }),
            undefined,
          );
        }
      }
    }
    this.logger.log(`Demo requests loaded: ${DEMO_REQUESTS.length} (turn off with DEMO_REQUESTS=false)`);
  }

  /** The demo users as the services see an authenticated caller. */
  private async principals(): Promise<(username: DemoUsername) => Principal> {
    const users = await this.dataSource.manager.find(UserEntity, {
      where: { username: In(DEMO_ACCOUNTS.map((account) => account.username)) },
      relations: { agency: true },
    });
    // No one logged in: the steps run in one made-up session that never reaches the session table.
    const session = { id: randomUUID(), authMethod: 'password', authenticatedAt: new Date() };
    const byName = new Map(
      users.map((user) => {
        if (!user.agency) throw new Error(`Agency of demo user ${user.username} is missing`);
        return [
          user.username,
          principalOf({ ...user, agency: user.agency }, session, this.config.mfa.required),
        ];
      }),
    );
    return (username) => {
      const principal = byName.get(username);
      if (!principal) throw new Error(`Demo user ${username} is missing`);
      return principal;
    };
  }

  /** The body as the API's validation pipe would hand it to the controller. */
  private validated<T>(metatype: Type<T>, body: Record<string, unknown>): Promise<T> {
    return this.validation.transform(body, { type: 'body', metatype }) as Promise<T>;
  }
}

/** A general MLA request in the shape of the API's create body, varied by title and measures. */
function mla(fields: { title: string; reference: string; measures: string[] }): Record<string, unknown> {
  return {
    type: RequestType.MlaGeneral,
    title: fields.title,
    reference: fields.reference,
    legalBasis: 'uncc',
    urgency: { level: 'normal' },
    offences: [
      {
        provision: 'Penal Code art. 290',
        description: 'Using computer networks to appropriate property',
        maxPenalty: '20 years',
      },
    ],
    factsSummary:
      'Between January and March 2026 customers of Vietnamese banks lost funds to fraud run through ' +
      'services hosted in France.',
    assistanceSought: {
      measures: fields.measures,
      description: 'Records of the accounts and services named below, and statements where asked.',
    },
    purpose: 'To identify the offenders and prosecute them in Viet Nam.',
    subjects: [{ name: 'Unknown operator', role: 'suspect' }],
    targets: [
      {
        type: 'ip_address',
        value: '203.0.113.7',
        serviceProvider: 'Example Hosting SAS',
        timestamp: { local: '2026-03-01T14:05:00', timeZone: 'Asia/Ho_Chi_Minh' },
      },
    ],
    timeRange: {
      from: { local: '2026-01-01T00:00:00', timeZone: 'Asia/Ho_Chi_Minh' },
      to: { local: '2026-03-31T23:59:59', timeZone: 'Asia/Ho_Chi_Minh' },
    },
    confidentiality: { keepFactConfidential: true, doNotNotifyUser: true, reasons: 'Ongoing investigation' },
  };
}
