import type { ApiClient } from '@mla/api-client';
import { CooperationRequestEntity } from '../../src/modules/requests/cooperation-request.entity';
import { DemoRequestSeeder } from '../../src/database/seeds/demo-requests';
import { ok } from '../support/factories';
import { createTestApp, type TestApp } from '../support/test-app';

describe('Demo requests (DEMO_REQUESTS=true)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ DEMO_REQUESTS: 'true' });
  });
  afterAll(() => t?.close());

  async function statusesSeenBy(client: ApiClient): Promise<Record<string, string>> {
    const page = ok(await client.GET('/v1/requests', { params: { query: { limit: 100 } } }));
    return Object.fromEntries(page.items.map((item) => [item.title, item.status]));
  }

  async function idOf(client: ApiClient, title: string): Promise<string> {
    const page = ok(await client.GET('/v1/requests', { params: { query: { limit: 100 } } }));
    const found = page.items.find((item) => item.title === title);
    if (!found) throw new Error(`no demo request "${title}"`);
    return found.id;
  }

  it('should show the requesting officer one request in each stage', async () => {
    expect(await statusesSeenBy(await t.as('vn.officer'))).toEqual({
      'Crypto-exchange accounts used to launder ransom payments': 'draft',
      'Subscriber data behind a sextortion account': 'pending_approval',
      'Phishing site hosted in France': 'transmitted',
      'Server logs of a botnet command server': 'under_assessment',
      'E-mail account used in a business e-mail compromise': 'in_execution',
      'Statements from a French travel agency': 'refused',
      'Chat logs of a ransomware negotiation': 'under_assessment',
      'Cloud storage of a child-abuse forum administrator': 'postponed',
      'Defence ministry contractor used as a proxy': 'conditions_proposed',
      'Mailbox of a romance-scam network': 'partially_executed',
      'Preserve hosting logs of the phishing site': 'accepted',
      'Insider at a Vietnamese bank': 'received',
      'Hosting account data following the preservation': 'received',
      'Kidnapped child: login data of the kidnappers’ mailbox': 'transmitted',
      'Hearing of the hosting company’s manager by video link': 'draft',
    });
  });

  it('should give each demo request a file number of its own', async () => {
    const page = ok(
      await (await t.as('vn.officer')).GET('/v1/requests', { params: { query: { limit: 100 } } }),
    );
    const references = page.items.map((item) => item.reference);
    expect(references.length).toBeGreaterThan(10);
    expect(new Set(references).size).toBe(references.length);
  });

  it('should show each French agency only what was transmitted to it, and the confidential one only to who may see it', async () => {
    const transmittedToFrCa = {
      'Phishing site hosted in France': 'transmitted',
      'Server logs of a botnet command server': 'under_assessment',
      'E-mail account used in a business e-mail compromise': 'in_execution',
      'Statements from a French travel agency': 'refused',
      'Chat logs of a ransomware negotiation': 'under_assessment',
      'Cloud storage of a child-abuse forum administrator': 'postponed',
      'Defence ministry contractor used as a proxy': 'conditions_proposed',
      'Mailbox of a romance-scam network': 'partially_executed',
      'Hosting account data following the preservation': 'received',
    };
    expect(await statusesSeenBy(await t.as('fr.central'))).toEqual({
      ...transmittedToFrCa,
      'Insider at a Vietnamese bank': 'received',
    });
    // Need-to-know: the executing officer is not assigned to the confidential request.
    expect(await statusesSeenBy(await t.as('fr.executing'))).toEqual(transmittedToFrCa);
    expect(await statusesSeenBy(await t.as('fr.contact'))).toEqual({
      'Preserve hosting logs of the phishing site': 'accepted',
      'Kidnapped child: login data of the kidnappers’ mailbox': 'transmitted',
    });
    expect(Object.keys(await statusesSeenBy(await t.as('vn.central')))).toHaveLength(12);
    // The French cybercrime office sees only what its central authority routed to it.
    expect(await statusesSeenBy(await t.as('fr.investigator'))).toEqual({
      'Chat logs of a ransomware negotiation': 'under_assessment',
    });
  });

  it('should show a third state nothing', async () => {
    expect(await statusesSeenBy(await t.as('de.officer'))).toEqual({});
  });

  it('should carry the trail of each step: refusal grounds, clarification and status messages, history', async () => {
    const frCentral = await t.as('fr.central');
    const refused = ok(
      await frCentral.GET('/v1/requests/{id}', {
        params: { path: { id: await idOf(frCentral, 'Statements from a French travel agency') } },
      }),
    );
    expect(refused.refusal?.grounds).toEqual(['REF_DE_MINIMIS']);

    const clarified = await idOf(frCentral, 'Server logs of a botnet command server');
    const thread = ok(
      await frCentral.GET('/v1/requests/{id}/messages', { params: { path: { id: clarified } } }),
    );
    expect(thread.items.map((message) => [message.kind, message.authorAgency?.code])).toEqual([
      ['clarification_request', 'FR-CA'],
      ['clarification_response', 'VN-C50'],
    ]);

    const officer = await t.as('vn.officer');
    const executing = await idOf(officer, 'E-mail account used in a business e-mail compromise');
    const history = ok(
      await officer.GET('/v1/requests/{id}/history', { params: { path: { id: executing } } }),
    );
    expect(history.items.map((entry) => entry.action).reverse()).toEqual([
      'request.create',
      'request.assigned',
      'request.submit',
      'request.approve',
      'request.transmit',
      'request.acknowledge',
      'request.accept',
      'request.start_execution',
      'message.create',
      'message.create',
    ]);
  });

  it('should show the new request types: a follow-up holding its preservation, an emergency alerting the 24/7 point', async () => {
    const officer = await t.as('vn.officer');
    const preservation = ok(
      await officer.GET('/v1/requests/{id}', {
        params: { path: { id: await idOf(officer, 'Preserve hosting logs of the phishing site') } },
      }),
    );
    expect(preservation.deadlines[0]).toMatchObject({ name: 'preservation_minimum', status: 'held' });
    expect(preservation.links).toEqual([
      expect.objectContaining({
        relation: 'follow_up_of_preservation',
        direction: 'incoming',
        title: 'Hosting account data following the preservation',
      }),
    ]);

    const paul = await t.as('fr.contact');
    const emergency = await idOf(paul, 'Kidnapped child: login data of the kidnappers’ mailbox');
    const seen = ok(await paul.GET('/v1/requests/{id}', { params: { path: { id: emergency } } }));
    expect(seen).toMatchObject({ type: 'emergency_disclosure', urgencyLevel: 'emergency' });
    expect(seen.deadlines.map((deadline) => deadline.name)).toContain('emergency_response');
    const thread = ok(await paul.GET('/v1/requests/{id}/messages', { params: { path: { id: emergency } } }));
    expect(thread.items.map((message) => message.kind)).toEqual(['emergency_alert']);
  });

  it('should leave an audit log that verifies', async () => {
    const result = ok(await (await t.as('auditor')).GET('/v1/audit/verify'));
    expect(result).toMatchObject({ ok: true });
    expect(result.checked).toBe(result.headSequence);
  });

  it('should not seed a second time, whether the database has requests or only the claim', async () => {
    const requests = () => t.dataSource.manager.count(CooperationRequestEntity);
    const before = await requests();
    await t.app.get(DemoRequestSeeder).seed();
    expect(await requests()).toBe(before);

    // A database emptied of requests after seeding keeps its claim in the audit log.
    await t.dataSource.query('DELETE FROM "request_message"');
    await t.dataSource.query('DELETE FROM "request_assignment"');
    await t.dataSource.query('DELETE FROM "request_deadline"');
    await t.dataSource.query('DELETE FROM "request_content_version"');
    await t.dataSource.query('DELETE FROM "request_condition"');
    await t.dataSource.query('DELETE FROM "request_link"');
    // Receipts are append-only: only an owner stepping around the trigger can empty them.
    await t.dataSource.query('ALTER TABLE "request_transmission_receipt" DISABLE TRIGGER USER');
    await t.dataSource.query('DELETE FROM "request_transmission_receipt"');
    await t.dataSource.query('ALTER TABLE "request_transmission_receipt" ENABLE TRIGGER USER');
    await t.dataSource.query('DELETE FROM "cooperation_request"');
    await t.app.get(DemoRequestSeeder).seed();
    expect(await requests()).toBe(0);
  });
});
