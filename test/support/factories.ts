import type { ApiClient, Schemas } from '@mla/api-client';

export type CreateRequestBody = Schemas['CreateRequestDto'];
export type RequestView = Schemas['RequestDto'];

/** The id of a demo agency by code, looked up through the API like any client would. */
export async function agencyId(client: ApiClient, code: string): Promise<string> {
  const { data } = await client.GET('/v1/agencies');
  const agency = data?.find((candidate) => candidate.code === code);
  if (!agency) throw new Error(`no agency ${code} in the directory`);
  return agency.id;
}

export function mlaRequestBody(
  requestedAgencyId: string,
  overrides: Partial<CreateRequestBody> = {},
): CreateRequestBody {
  return {
    type: 'mla_general',
    requestedAgencyId,
    title: 'Phishing campaign against customers of a Vietnamese bank',
    reference: 'C50-2026-0142',
    legalBasis: 'uncc',
    urgency: { level: 'urgent', reasons: 'Funds are being moved abroad daily' },
    offences: [
      {
        provision: 'Penal Code art. 290',
        description: 'Using computer networks to appropriate property',
        maxPenalty: '20 years',
      },
    ],
    factsSummary:
      'Between January and March 2026 a phishing site hosted in France collected bank credentials.',
    assistanceSought: {
      measures: ['access_stored_data', 'take_evidence_statement'],
      description: 'Subscriber and log data of the hosting account; statement of the hosting provider.',
    },
    purpose: 'To identify the operators of the phishing site and prosecute them in Viet Nam.',
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
    confidentiality: {
      keepFactConfidential: true,
      doNotNotifyUser: true,
      reasons: 'Ongoing covert investigation',
    },
    ...overrides,
  };
}

export function preservationRequestBody(
  requestedAgencyId: string,
  overrides: Partial<CreateRequestBody> = {},
): CreateRequestBody {
  return mlaRequestBody(requestedAgencyId, {
    type: 'preservation',
    title: 'Preserve hosting logs of the phishing site',
    assistanceSought: { measures: [], description: 'Expedited preservation of stored data' },
    preservation: {
      dataCategories: ['subscriber', 'traffic'],
      relationshipToOffence: 'The site collected the credentials used in the thefts.',
      necessity: 'The provider keeps connection logs for 90 days only.',
      custodian: { provider: 'Example Hosting SAS' },
      intentToRequestMla: true,
      intendedMeasure: 'production of stored subscriber and traffic data',
    },
    ...overrides,
  });
}

/** Throws with the error envelope when a call that should succeed does not. */
export function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) {
    throw new Error(`expected success, got ${result.response.status}: ${JSON.stringify(result.error)}`);
  }
  return result.data;
}

export type DetailedType = Exclude<CreateRequestBody['type'], 'mla_general' | 'preservation'>;

/**
 * For each type with its own fields: a legal basis that provides for it, the demo agency that
 * receives it, and a complete `details` object (domain.md §5.3-§5.14).
 */
export const TYPE_SAMPLES: Record<
  DetailedType,
  { legalBasis: CreateRequestBody['legalBasis']; to: string; details: Record<string, unknown> }
> = {
  traffic_disclosure: {
    legalBasis: 'budapest',
    to: 'FR-247',
    details: {
      preservationRef: 'FR-247-2026-0042',
      identifiedProvider: { name: 'Example Transit GmbH', country: 'DE' },
      pathDescription: 'The connection reached the hosting provider through a relay operated in Germany.',
      sufficiencyNote: 'Enough to identify the relay operator; its logs will show the origin.',
    },
  },
  stored_data_access: {
    legalBasis: 'uncc',
    to: 'FR-CA',
    details: {
      dataCategories: ['subscriber', 'traffic'],
      custodian: { provider: 'Example Hosting SAS', systemLocation: 'Roubaix data centre' },
      formOfProduction: 'certified_copy',
      authenticationRequested: 'business_records_certificate',
      basisForBelief: 'The provider’s abuse desk confirmed the account is hosted in its French data centre.',
      preservationRef: 'FR-247-2026-0042',
    },
  },
  realtime_traffic: {
    legalBasis: 'uncc',
    to: 'FR-CA',
    details: {
      communications: 'Connections to the phishing panel, which the operators log into daily.',
      ownerOrUser: 'Account registered under a false name; paid from a prepaid card.',
      justification: 'Only live collection shows where the operators connect from.',
      collectionPeriod: {
        from: { local: '2026-04-01T00:00:00', timeZone: 'Europe/Paris' },
        to: { local: '2026-04-30T23:59:59', timeZone: 'Europe/Paris' },
      },
      durationReason: 'The operators rotate their connections over a monthly cycle.',
    },
  },
  interception: {
    legalBasis: 'budapest',
    to: 'FR-CA',
    details: {
      subject: 'The user of the mailbox named in the targets, believed to be the campaign organiser.',
      durationDays: 30,
      technicalData: 'Mailbox hosted by Example Mail SAS.',
      relevance: 'The organiser instructs the money mules by email.',
    },
  },
  search_seizure: {
    legalBasis: 'uncc',
    to: 'FR-CA',
    details: {
      premisesOrDevices: 'Flat 3, 12 rue Example, Lille, and the computers in it',
      itemsSought: 'Computers and storage media holding the phishing kit and victims’ credentials',
      linkToOffence: 'The phishing panel was administered from the flat’s connection.',
      reasonBelievedInTerritory: 'The IP address of the administrator resolves to that subscriber line.',
      compulsoryMeasuresAvailable: true,
    },
  },
  emergency_disclosure: {
    legalBasis: 'budapest_p2',
    to: 'FR-247',
    details: {
      provider: { name: 'Example Mail SAS', address: '1 place Example, 75001 Paris', country: 'FR' },
      emergencyFacts: 'A kidnapped child is being held; the kidnappers write from this mailbox.',
      dataRelation: 'The login IP addresses show where the kidnappers connect from.',
      dataDescription: 'Subscriber data and login IP addresses of the mailbox, last 72 hours.',
      specialInstructions: 'Do not notify the user.',
    },
  },
  subscriber_direct: {
    legalBasis: 'budapest_p2',
    to: 'FR-CA',
    details: {
      provider: { name: 'Example Hosting SAS', address: '2 rue Kellermann, 59100 Roubaix', country: 'FR' },
      dataSought: 'Name, address and payment details of the holder of the hosting account.',
      domesticLegalGrounds: 'Criminal Procedure Code art. 88',
      returnInstructions: 'To the C50 contact point by secure email within 30 days.',
    },
  },
  video_hearing: {
    legalBasis: 'uncc',
    to: 'FR-CA',
    details: {
      person: { name: 'Claire Martin', role: 'witness' },
      language: 'fr',
      interpreter: true,
      conductingAuthority: 'Hanoi People’s Court, with a French investigating judge attending',
      proposedAt: { local: '2026-05-12T09:30:00', timeZone: 'Europe/Paris' },
      technicalContact: 'Court IT desk, +84 24 0000 0000',
      recordingRules: 'Audio and video recorded by the requesting court; a copy for the French judge.',
      costArrangements: 'Each side bears its own costs.',
    },
  },
  joint_investigation: {
    legalBasis: 'uncc',
    to: 'FR-CA',
    details: {
      parties: ['VN', 'FR'],
      members: [
        { name: 'Nguyen Van A', authority: 'VN-C50', role: 'team leader in Viet Nam' },
        { name: 'Jean Dupont', authority: 'OFAC', role: 'team leader in France' },
      ],
      scope: 'Phishing and laundering by the group behind the campaign',
      startDate: '2026-06-01',
      durationMonths: 12,
      location: 'Hanoi and Paris',
      leadership: 'Led by the host state’s member in each territory',
      evidenceTerms: 'Evidence is shared within the team and used for its purpose only.',
      dataProtectionTerms: 'Each party’s data-protection law applies to data it provides.',
      costTerms: 'Each party bears its own costs.',
    },
  },
  spontaneous_information: {
    legalBasis: 'budapest',
    to: 'FR-CA',
    details: {
      summary: 'Our investigation found a French server used to send the phishing emails.',
      proposedConditions: [
        { type: 'cond_confidential', text: 'Keep the information confidential until we say otherwise.' },
      ],
    },
  },
};

/** A complete request of one of the types with their own fields, to the agency of its sample. */
export function typedRequestBody(
  type: DetailedType,
  requestedAgencyId: string,
  overrides: Partial<CreateRequestBody> = {},
): CreateRequestBody {
  const sample = TYPE_SAMPLES[type];
  return mlaRequestBody(requestedAgencyId, {
    type,
    title: `A ${type.replaceAll('_', ' ')} request`,
    legalBasis: sample.legalBasis,
    ...(type === 'emergency_disclosure'
      ? { urgency: { level: 'emergency', reasons: 'A child’s life is in imminent danger' } }
      : {}),
    details: structuredClone(sample.details) as CreateRequestBody['details'],
    ...overrides,
  });
}
