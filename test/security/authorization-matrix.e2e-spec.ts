import { randomUUID } from 'node:crypto';
import { agencyId, mlaRequestBody, ok } from '../support/factories';
import { routeTable } from '../support/route-table';
import { createTestApp, DEMO_PASSWORD, type DemoUser, type TestApp } from '../support/test-app';

/** A VN-C50 liaison officer's API key: unless a row says otherwise, it is answered like `vn.officer`. */
const API_KEY = 'vn.officer key';
type Caller = DemoUser | typeof API_KEY | 'anonymous';

/**
 * Who gets what from every route, written down once. The probe request is a Vietnamese MLA request
 * to the French central authority, transmitted. Callers cover each role on each side: its own agency
 * (VN-C50), its state's central authority (VN-CA), the requested agency (FR-CA), another agency of the
 * requested state (FR-247), a third state (DE), the auditor and the admin, an API key of VN-C50 as
 * liaison officer, and no token at all.
 *
 * Probes never succeed by accident: a transition asks for `close` (not allowed while transmitted) and
 * an edit targets a request that is no longer a draft, so 409 means "passed every access check".
 * 401 no token, 403 role lacks the permission (or side may not act), 404 invisible row.
 */
const MATRIX: Record<string, Partial<Record<Caller, number>> & { default: number }> = {
  'GET /health/live': { default: 200 },
  'GET /health/ready': { default: 200 },
  'POST /v1/auth/login': { default: 400 },
  'POST /v1/auth/refresh': { default: 400 },
  'POST /v1/auth/logout': { default: 204, [API_KEY]: 403, anonymous: 401 },
  'POST /v1/auth/password': { default: 400, [API_KEY]: 403, anonymous: 401 },
  'GET /v1/auth/me': { default: 200, anonymous: 401 },
  // Demo accounts have no second factor: step-up asks for the password, recovery codes need one.
  'POST /v1/auth/step-up': { default: 400, [API_KEY]: 403, anonymous: 401 },
  'POST /v1/auth/mfa/totp': { default: 200, [API_KEY]: 403, anonymous: 401 },
  'POST /v1/auth/mfa/totp/confirm': { default: 400, [API_KEY]: 403, anonymous: 401 },
  'POST /v1/auth/mfa/recovery-codes': { default: 409, [API_KEY]: 403, anonymous: 401 },
  'GET /v1/states': { default: 200, anonymous: 401 },
  'GET /v1/agencies': { default: 200, anonymous: 401 },
  'GET /v1/profiles': { default: 200, anonymous: 401 },
  'GET /v1/profiles/:legalBasis': { default: 200, anonymous: 401 },
  'GET /v1/offence-catalogue': { default: 200, anonymous: 401 },
  'POST /v1/profiles/:legalBasis/versions': { default: 403, admin: 400, anonymous: 401 },
  'POST /v1/agencies': { default: 403, admin: 400, anonymous: 401 },
  // The probe id is a request's, not an agency's: admin passes every access check, then finds none.
  'PATCH /v1/agencies/:id': { default: 403, admin: 404, anonymous: 401 },
  'GET /v1/users': { default: 403, admin: 200, anonymous: 401 },
  'POST /v1/users': { default: 403, admin: 400, anonymous: 401 },
  'PATCH /v1/users/:id': { default: 403, admin: 400, anonymous: 401 },
  // The probe id is a request's, not an account's.
  'POST /v1/users/:id/password-reset': { default: 403, admin: 404, anonymous: 401 },
  'GET /v1/api-keys': { default: 403, admin: 200, anonymous: 401 },
  'POST /v1/api-keys': { default: 403, admin: 400, anonymous: 401 },
  'POST /v1/api-keys/:id/revoke': { default: 403, admin: 404, anonymous: 401 },
  'GET /v1/audit/events': { default: 403, auditor: 200, anonymous: 401 },
  'GET /v1/audit/verify': { default: 403, auditor: 200, anonymous: 401 },
  'GET /v1/audit/checkpoints/latest': { default: 403, auditor: 200, anonymous: 401 },
  'GET /v1/audit/export': { default: 403, auditor: 200, anonymous: 401 },
  'GET /v1/audit/requests/:id/report': { default: 403, auditor: 200, anonymous: 401 },
  // Proofs probed at the smallest sizes (QUERIES): the demo seeding has written entries already.
  'GET /v1/audit/proofs/inclusion': { default: 403, auditor: 200, anonymous: 401 },
  'GET /v1/audit/proofs/consistency': { default: 403, auditor: 200, anonymous: 401 },
  'GET /v1/audit/legal-holds': { default: 403, auditor: 200, anonymous: 401 },
  // The body names a request that does not exist, and the probe id is a request's, not a hold's:
  // the auditor passes every access check, then finds nothing (no hold is ever set by the probe).
  'POST /v1/audit/legal-holds': { default: 403, auditor: 404, anonymous: 401 },
  'POST /v1/audit/legal-holds/:id/lift': { default: 403, auditor: 404, anonymous: 401 },
  'GET /v1/requests': { default: 200, auditor: 403, admin: 403, anonymous: 401 },
  'POST /v1/requests': {
    default: 403,
    'vn.officer': 400,
    'vn.supervisor': 400,
    'fr.contact': 400,
    'de.officer': 400,
    anonymous: 401,
  },
  'GET /v1/requests/:id': {
    default: 404,
    'vn.officer': 200,
    'vn.supervisor': 200,
    'vn.central': 200,
    'fr.central': 200,
    'fr.executing': 200,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  // Visible exactly where the request is: the assessment reads its offences and requested state.
  'GET /v1/requests/:id/dual-criminality': {
    default: 404,
    'vn.officer': 200,
    'vn.supervisor': 200,
    'vn.central': 200,
    'fr.central': 200,
    'fr.executing': 200,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'PATCH /v1/requests/:id': {
    default: 403,
    'vn.officer': 409,
    'vn.supervisor': 409,
    'fr.contact': 404,
    'de.officer': 404,
    anonymous: 401,
  },
  'POST /v1/requests/:id/transitions': {
    default: 404,
    'vn.officer': 409,
    'vn.supervisor': 409,
    'vn.central': 409,
    'fr.central': 409,
    'fr.executing': 409,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'GET /v1/requests/:id/messages': {
    default: 404,
    'vn.officer': 200,
    'vn.supervisor': 200,
    'vn.central': 200,
    'fr.central': 200,
    'fr.executing': 200,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'POST /v1/requests/:id/messages': {
    default: 404,
    'vn.officer': 201,
    'vn.supervisor': 201,
    'vn.central': 201,
    'fr.central': 201,
    'fr.executing': 201,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  // Probes assign an account of another agency (422 once every access check passed) and take off
  // someone never assigned (404 `request.assignment_not_found`, told apart in need-to-know.e2e-spec).
  'GET /v1/requests/:id/assignments': {
    default: 404,
    'vn.officer': 200,
    'vn.supervisor': 200,
    'vn.central': 200,
    'fr.central': 200,
    'fr.executing': 200,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'POST /v1/requests/:id/assignments': {
    default: 403,
    'vn.supervisor': 422,
    'vn.central': 422,
    'fr.central': 422,
    'fr.contact': 404,
    anonymous: 401,
  },
  'DELETE /v1/requests/:id/assignments/:userId': {
    default: 403,
    'vn.supervisor': 404,
    'vn.central': 404,
    'fr.central': 404,
    'fr.contact': 404,
    anonymous: 401,
  },
  // Only the requesting agency may record one, and only before transmission: 409 for the probe.
  'POST /v1/requests/:id/oral-contacts': {
    default: 403,
    'vn.officer': 409,
    'vn.supervisor': 409,
    'fr.contact': 404,
    'de.officer': 404,
    anonymous: 401,
  },
  // Only the requesting supervisor gets past the access checks: then 409, the probe is no emergency.
  'POST /v1/requests/:id/emergency-review': {
    default: 404,
    'vn.officer': 403,
    'vn.supervisor': 409,
    'vn.central': 403,
    'fr.central': 403,
    'fr.executing': 403,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  // Only the requested side's deciders get past the access checks: then 409, the probe is no preservation.
  'POST /v1/requests/:id/preservation/extension': {
    default: 404,
    'vn.officer': 403,
    'vn.supervisor': 403,
    'vn.central': 403,
    'fr.central': 409,
    'fr.executing': 403,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'GET /v1/requests/:id/translations': {
    default: 404,
    'vn.officer': 200,
    'vn.supervisor': 200,
    'vn.central': 200,
    'fr.central': 200,
    'fr.executing': 200,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  // Transmitted already: the requesting side gets 409; the requested side may not attach (403).
  'PUT /v1/requests/:id/translations/:language': {
    default: 404,
    'vn.officer': 409,
    'vn.supervisor': 409,
    'vn.central': 409,
    'fr.central': 403,
    'fr.executing': 403,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  // Consent on use (domain.md §8.2) follows the request's visibility. The probe was never accepted:
  // the requesting side gets 409 (nothing to consent to, no consent for the use); the requested side
  // may not ask (403). Its deciders pass every check on a decision, then find no such consent (404
  // `request.consent_not_found`, as the consultation on a notice that does not exist).
  'GET /v1/requests/:id/consents': {
    default: 404,
    'vn.officer': 200,
    'vn.supervisor': 200,
    'vn.central': 200,
    'fr.central': 200,
    'fr.executing': 200,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'POST /v1/requests/:id/consents': {
    default: 404,
    'vn.officer': 409,
    'vn.supervisor': 409,
    'vn.central': 409,
    'fr.central': 403,
    'fr.executing': 403,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'POST /v1/requests/:id/consents/:consentId/decision': {
    default: 404,
    'vn.officer': 403,
    'vn.supervisor': 403,
    'vn.central': 403,
    'fr.central': 404,
    'fr.executing': 403,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'GET /v1/requests/:id/onward-transfers': {
    default: 404,
    'vn.officer': 200,
    'vn.supervisor': 200,
    'vn.central': 200,
    'fr.central': 200,
    'fr.executing': 200,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'POST /v1/requests/:id/onward-transfers': {
    default: 404,
    'vn.officer': 409,
    'vn.supervisor': 409,
    'vn.central': 409,
    'fr.central': 403,
    'fr.executing': 403,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'GET /v1/requests/:id/further-uses': {
    default: 404,
    'vn.officer': 200,
    'vn.supervisor': 200,
    'vn.central': 200,
    'fr.central': 200,
    'fr.executing': 200,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'POST /v1/requests/:id/further-uses': {
    default: 404,
    'vn.officer': 409,
    'vn.supervisor': 409,
    'vn.central': 409,
    'fr.central': 403,
    'fr.executing': 403,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'GET /v1/requests/:id/exculpatory-notices': {
    default: 404,
    'vn.officer': 200,
    'vn.supervisor': 200,
    'vn.central': 200,
    'fr.central': 200,
    'fr.executing': 200,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'POST /v1/requests/:id/exculpatory-notices': {
    default: 404,
    'vn.officer': 409,
    'vn.supervisor': 409,
    'vn.central': 409,
    'fr.central': 403,
    'fr.executing': 403,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'POST /v1/requests/:id/exculpatory-notices/:noticeId/consultation': {
    default: 404,
    'vn.officer': 403,
    'vn.supervisor': 403,
    'vn.central': 403,
    'fr.central': 404,
    'fr.executing': 403,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  // What was sent and what was offered: exactly where the request is visible (diff probed 1 to 1).
  'GET /v1/requests/:id/versions': {
    default: 404,
    'vn.officer': 200,
    'vn.supervisor': 200,
    'vn.central': 200,
    'fr.central': 200,
    'fr.executing': 200,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  // Both sides keep the transmission receipt; whoever cannot see the request is told it does not exist.
  'GET /v1/requests/:id/transmission-receipts': {
    default: 404,
    'vn.officer': 200,
    'vn.supervisor': 200,
    'vn.central': 200,
    'fr.central': 200,
    'fr.executing': 200,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'GET /v1/requests/:id/versions/diff': {
    default: 404,
    'vn.officer': 200,
    'vn.supervisor': 200,
    'vn.central': 200,
    'fr.central': 200,
    'fr.executing': 200,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'GET /v1/requests/:id/versions/:contentVersion': {
    default: 404,
    'vn.officer': 200,
    'vn.supervisor': 200,
    'vn.central': 200,
    'fr.central': 200,
    'fr.executing': 200,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'GET /v1/requests/:id/conditions': {
    default: 404,
    'vn.officer': 200,
    'vn.supervisor': 200,
    'vn.central': 200,
    'fr.central': 200,
    'fr.executing': 200,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  // Traffic disclosure (scenario 2): the probe is no preservation, so the requested side passes every
  // access check and gets 409; a draft needs a disclosure of this request (404 once allowed).
  'GET /v1/requests/:id/traffic-disclosures': {
    default: 404,
    'vn.officer': 200,
    'vn.supervisor': 200,
    'vn.central': 200,
    'fr.central': 200,
    'fr.executing': 200,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'POST /v1/requests/:id/traffic-disclosures': {
    default: 404,
    'vn.officer': 403,
    'vn.supervisor': 403,
    'vn.central': 403,
    'fr.central': 409,
    'fr.executing': 409,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'GET /v1/requests/:id/traffic-disclosures/:disclosureId/preservation-draft': {
    default: 403,
    'vn.officer': 404,
    'vn.supervisor': 404,
    'fr.contact': 404,
    'de.officer': 404,
    anonymous: 401,
  },
  // The probe is transmitted, not accepted: the requested agency passes every access check on
  // uploads and deliveries, then is told it is too early (409); the requesting side may never (403).
  'POST /v1/requests/:id/evidence': {
    default: 404,
    'vn.officer': 403,
    'vn.supervisor': 403,
    'vn.central': 403,
    'fr.central': 409,
    'fr.executing': 409,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'GET /v1/requests/:id/evidence': {
    default: 404,
    'vn.officer': 200,
    'vn.supervisor': 200,
    'vn.central': 200,
    'fr.central': 200,
    'fr.executing': 200,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'POST /v1/requests/:id/evidence-packages': {
    default: 404,
    'vn.officer': 403,
    'vn.supervisor': 403,
    'vn.central': 403,
    'fr.central': 409,
    'fr.executing': 409,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  'GET /v1/requests/:id/evidence-packages': {
    default: 404,
    'vn.officer': 200,
    'vn.supervisor': 200,
    'vn.central': 200,
    'fr.central': 200,
    'fr.executing': 200,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  // The probe id is a request's, not an item's or a package's: whoever passes the role check finds none.
  'GET /v1/evidence/:id': { default: 404, auditor: 403, admin: 403, anonymous: 401 },
  'GET /v1/evidence/:id/content': { default: 404, auditor: 403, admin: 403, anonymous: 401 },
  'GET /v1/evidence/:id/custody': { default: 404, auditor: 403, admin: 403, anonymous: 401 },
  'GET /v1/evidence/:id/receipt': { default: 404, auditor: 403, admin: 403, anonymous: 401 },
  'POST /v1/evidence/:id/verification': { default: 404, auditor: 403, admin: 403, anonymous: 401 },
  // Disposal and legal holds: supervisors and central authority officers only.
  'POST /v1/evidence/:id/disposal': {
    default: 403,
    'vn.supervisor': 404,
    'vn.central': 404,
    'fr.central': 404,
    anonymous: 401,
  },
  'PUT /v1/evidence/:id/legal-hold': {
    default: 403,
    'vn.supervisor': 404,
    'vn.central': 404,
    'fr.central': 404,
    anonymous: 401,
  },
  'GET /v1/evidence-packages/:id': { default: 404, auditor: 403, admin: 403, anonymous: 401 },
  'POST /v1/evidence-packages/:id/acknowledgement': {
    default: 404,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
  // Public by design: a court verifying a receipt has no account.
  'GET /.well-known/mla-portal/keys': { default: 200 },
  'GET /v1/requests/:id/history': {
    default: 404,
    'vn.officer': 200,
    'vn.supervisor': 200,
    'vn.central': 200,
    'fr.central': 200,
    'fr.executing': 200,
    auditor: 403,
    admin: 403,
    anonymous: 401,
  },
};

const CALLERS: Caller[] = [
  'vn.officer',
  'vn.supervisor',
  'vn.central',
  'fr.central',
  'fr.executing',
  'fr.contact',
  // An executing agency of France the probe was never routed to.
  'fr.investigator',
  'de.officer',
  'auditor',
  'admin',
  API_KEY,
  'anonymous',
];

/** Valid, but no account: never assignable, never assigned. */
const PROBE_USER_ID = '00000000-0000-4000-8000-000000000000';

/** Query strings of the routes that need one to pass validation. */
const QUERIES: Record<string, string> = {
  'GET /v1/requests/:id/versions/diff': '?from=1&to=1',
  'GET /v1/audit/proofs/inclusion': '?seq=1&treeSize=1',
  'GET /v1/audit/proofs/consistency': '?from=1&to=1',
};

const BODIES: Record<string, unknown> = {
  'POST /v1/audit/legal-holds': { requestId: '00000000-0000-4000-8000-00000000beef', reason: 'Probe' },
  'POST /v1/audit/legal-holds/:id/lift': { reason: 'Probe' },
  'POST /v1/auth/login': {},
  'POST /v1/auth/refresh': {},
  'POST /v1/auth/password': {},
  'POST /v1/auth/step-up': {},
  'POST /v1/auth/mfa/totp/confirm': {},
  'POST /v1/agencies': {},
  'PATCH /v1/agencies/:id': { name: 'Probe' },
  'POST /v1/users': {},
  'POST /v1/requests/:id/oral-contacts': {
    counterpart: 'Probe',
    contactedAt: '2026-01-01T00:00:00Z',
    summary: 'Probe',
  },
  'PUT /v1/requests/:id/translations/:language': { text: 'Probe' },
  'POST /v1/requests/:id/consents': {
    kind: 'further_use',
    purpose: 'Probe',
    legalBasis: 'Probe',
    newProceeding: 'Probe',
  },
  'POST /v1/requests/:id/consents/:consentId/decision': { decision: 'granted' },
  'POST /v1/requests/:id/onward-transfers': {
    recipientStateCode: 'DE',
    recipientDescription: 'Probe',
    purpose: 'Probe',
  },
  'POST /v1/requests/:id/further-uses': { proceeding: 'Probe', purpose: 'Probe' },
  'POST /v1/requests/:id/exculpatory-notices': { advanceNotice: true, description: 'Probe' },
  'POST /v1/requests/:id/exculpatory-notices/:noticeId/consultation': { message: 'Probe' },
  'POST /v1/requests/:id/traffic-disclosures': {
    providerName: 'Probe',
    providerStateCode: 'DE',
    pathDescription: 'Probe',
  },
  'POST /v1/requests/:id/emergency-review': { justified: true, useLimitsRespected: true, notes: 'Probe' },
  'POST /v1/profiles/:legalBasis/versions': {},
  'PATCH /v1/users/:id': {},
  'POST /v1/api-keys': {},
  'POST /v1/requests': {},
  'PATCH /v1/requests/:id': { title: 'Probe' },
  'POST /v1/requests/:id/transitions': { action: 'close' },
  'POST /v1/requests/:id/messages': { kind: 'note', body: 'Probe' },
  'POST /v1/requests/:id/assignments': { userId: PROBE_USER_ID },
  'POST /v1/requests/:id/evidence-packages': {},
  'POST /v1/evidence/:id/disposal': { reason: 'Probe' },
  'PUT /v1/evidence/:id/legal-hold': { hold: true, reason: 'Probe' },
  'POST /v1/evidence-packages/:id/acknowledgement': {
    items: [{ id: PROBE_USER_ID, sha256: '0'.repeat(64) }],
  },
};

describe('The authorization matrix: every route, every role, every side', () => {
  let t: TestApp;
  let requestId: string;
  let apiKey: string;

  beforeAll(async () => {
    t = await createTestApp();
    const officer = await t.as('vn.officer');
    apiKey = ok(
      await (
        await t.as('admin')
      ).POST('/v1/api-keys', {
        body: { agencyId: await agencyId(officer, 'VN-C50'), role: 'liaison_officer', name: 'Matrix probe' },
      }),
    ).key;
    const created = ok(
      await officer.POST('/v1/requests', { body: mlaRequestBody(await agencyId(officer, 'FR-CA')) }),
    );
    requestId = created.id;
    const fire = async (user: DemoUser, action: 'submit' | 'approve' | 'transmit') =>
      ok(
        await (
          await t.as(user)
        ).POST('/v1/requests/{id}/transitions', { params: { path: { id: requestId } }, body: { action } }),
      );
    await fire('vn.officer', 'submit');
    await fire('vn.supervisor', 'approve');
    await fire('vn.central', 'transmit');
  });
  afterAll(() => t?.close());

  /**
   * A fresh token per call on the auth routes: the logout probe must not end the session other
   * probes use. Elsewhere nothing ends a session, so each caller logs in once: hundreds of logins
   * (argon2id each) would make the run slow for no gain.
   */
  const sessions = new Map<Caller, Promise<Record<string, string>>>();
  async function credentialsOf(caller: Caller, route: string): Promise<Record<string, string>> {
    if (caller === 'anonymous') return {};
    if (caller === API_KEY) return { 'x-api-key': apiKey };
    const fresh = async (): Promise<Record<string, string>> => {
      const { data } = await t.anonymous.POST('/v1/auth/login', {
        body: { username: caller, password: DEMO_PASSWORD },
      });
      return data ? { authorization: `Bearer ${data.accessToken}` } : {};
    };
    if (route.includes(' /v1/auth/')) return fresh();
    const session = sessions.get(caller) ?? fresh();
    sessions.set(caller, session);
    return session;
  }

  it('should cover every route of the application, no more and no less', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(
      routeTable(t.app)
        .map((row) => row.route)
        .sort(),
    );
  });

  it('should answer every route, for every caller, exactly as the matrix says', async () => {
    const mismatches: string[] = [];
    for (const route of Object.keys(MATRIX).sort()) {
      const [method, path] = route.split(' ') as [string, string];
      const expectations = MATRIX[route];
      for (const caller of CALLERS) {
        const expected =
          expectations[caller] ??
          (caller === API_KEY ? expectations['vn.officer'] : undefined) ??
          expectations.default;
        const body = BODIES[route];
        const response = await fetch(
          `${t.baseUrl}${path.replace(':id', requestId).replace(':userId', PROBE_USER_ID).replace(':legalBasis', 'uncc').replace(':language', 'fr').replace(':consentId', PROBE_USER_ID).replace(':noticeId', PROBE_USER_ID).replace(':disclosureId', PROBE_USER_ID).replace(':contentVersion', '1')}${QUERIES[route] ?? ''}`,
          {
            method,
            headers: {
              ...(await credentialsOf(caller, route)),
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
              ...(route === 'PATCH /v1/requests/:id' ? { 'if-match': '"4"' } : {}),
              // Required on the POSTs that change cases; a fresh one, so each call is judged on its own.
              ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
          },
        );
        if (response.status !== expected)
          mismatches.push(`${route} as ${caller}: expected ${expected}, got ${response.status}`);
      }
    }
    expect(mismatches).toEqual([]);
    // Every route times every caller, each with a fresh login: it grows with the routes.
  }, 180_000);
});
