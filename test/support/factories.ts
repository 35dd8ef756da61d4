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
