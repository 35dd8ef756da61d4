import { PartyRelation } from '@mla/contracts';
import { principalOf as principalFor, type Principal } from '../../src/modules/auth/principal';
import { CooperationRequestEntity } from '../../src/modules/requests/cooperation-request.entity';
import { RequestAssignmentEntity } from '../../src/modules/requests/request-assignment.entity';
import { needsAssignment, relationsOf, visibilityCondition } from '../../src/modules/requests/request.policy';
import { UserEntity } from '../../src/modules/users/user.entity';
import { agencyId, mlaRequestBody, ok, preservationRequestBody } from '../support/factories';
import { createTestApp, type DemoUser, type TestApp } from '../support/test-app';

const USERS: DemoUser[] = [
  'vn.officer',
  'vn.supervisor',
  'vn.central',
  'fr.central',
  'fr.executing',
  'fr.contact',
  'fr.investigator',
  'de.officer',
];
const BOXES = [undefined, 'outgoing', 'incoming'] as const;

/**
 * The list query (SQL) and the single-request check (relationsOf, then needsAssignment) must agree on who sees what, at
 * every stage of a request, for every user and every box; otherwise a list would leak what a
 * GET hides, or hide what it shows.
 */
describe('Visibility: the list query and the row policy agree', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  async function principalOf(username: DemoUser): Promise<Principal> {
    const user = await t.dataSource.manager.findOneOrFail(UserEntity, {
      where: { username },
      relations: { agency: true },
    });
    if (!user.agency) throw new Error('no agency');
    return principalFor(
      { ...user, agency: user.agency },
      { id: 'test', authMethod: 'password', authenticatedAt: new Date() },
      false,
    );
  }

  it('should agree for every stage, user and box', async () => {
    const officer = await t.as('vn.officer');
    const supervisor = await t.as('vn.supervisor');
    const vnCentral = await t.as('vn.central');
    const frCentral = await t.as('fr.central');
    const frCa = await agencyId(officer, 'FR-CA');
    const fr247 = await agencyId(officer, 'FR-247');
    const fire = async (
      client: typeof officer,
      id: string,
      action: 'submit' | 'approve' | 'transmit' | 'acknowledge' | 'withdraw' | 'assess',
      reason?: string,
      executingAgencyId?: string,
    ) =>
      ok(
        await client.POST('/v1/requests/{id}/transitions', {
          params: { path: { id } },
          body: {
            action,
            ...(reason ? { reason } : {}),
            ...(executingAgencyId ? { executingAgencyId } : {}),
          },
        }),
      );
    const create = async (body = mlaRequestBody(frCa)) => ok(await officer.POST('/v1/requests', { body })).id;

    const draft = await create();
    const pending = await create();
    await fire(officer, pending, 'submit');
    const ready = await create();
    await fire(officer, ready, 'submit');
    await fire(supervisor, ready, 'approve');
    const withdrawnReady = await create();
    await fire(officer, withdrawnReady, 'submit');
    await fire(supervisor, withdrawnReady, 'approve');
    await fire(supervisor, withdrawnReady, 'withdraw', 'No longer needed');
    const received = await create();
    await fire(officer, received, 'submit');
    await fire(supervisor, received, 'approve');
    await fire(vnCentral, received, 'transmit');
    await fire(frCentral, received, 'acknowledge');
    // Routed by the French central authority to an executing agency of France (T7).
    const routed = await create();
    await fire(officer, routed, 'submit');
    await fire(supervisor, routed, 'approve');
    await fire(vnCentral, routed, 'transmit');
    await fire(frCentral, routed, 'acknowledge');
    await fire(frCentral, routed, 'assess', undefined, await agencyId(officer, 'FR-OFAC'));
    const toContactPoint = await create(preservationRequestBody(fr247));
    await fire(officer, toContactPoint, 'submit');
    await fire(supervisor, toContactPoint, 'approve');
    await fire(vnCentral, toContactPoint, 'transmit');
    // And one in the other direction: France asks Viet Nam.
    const frContact = await t.as('fr.contact');
    const vnCa = await agencyId(officer, 'VN-CA');
    const reverse = ok(await frContact.POST('/v1/requests', { body: preservationRequestBody(vnCa) })).id;
    await fire(frContact, reverse, 'submit');

    // Confidential ones: need-to-know inside each agency, with assignments given and taken back.
    const frExecutingId = (await principalOf('fr.executing')).userId;
    const confidentialDraft = await create(mlaRequestBody(frCa, { confidential: true }));
    const confidentialReceived = await create(mlaRequestBody(frCa, { confidential: true }));
    await fire(officer, confidentialReceived, 'submit');
    await fire(supervisor, confidentialReceived, 'approve');
    await fire(vnCentral, confidentialReceived, 'transmit');
    await fire(frCentral, confidentialReceived, 'acknowledge');
    ok(
      await frCentral.POST('/v1/requests/{id}/assignments', {
        params: { path: { id: confidentialReceived } },
        body: { userId: frExecutingId },
      }),
    );
    const reassigned = await create(mlaRequestBody(frCa, { confidential: true }));
    await fire(officer, reassigned, 'submit');
    await fire(supervisor, reassigned, 'approve');
    await fire(vnCentral, reassigned, 'transmit');
    const officerId = (await principalOf('vn.officer')).userId;
    const frPath = { params: { path: { id: reassigned } } };
    ok(await frCentral.POST('/v1/requests/{id}/assignments', { ...frPath, body: { userId: frExecutingId } }));
    await frCentral.DELETE('/v1/requests/{id}/assignments/{userId}', {
      params: { path: { id: reassigned, userId: frExecutingId } },
    });
    await supervisor.DELETE('/v1/requests/{id}/assignments/{userId}', {
      params: { path: { id: reassigned, userId: officerId } },
    });

    const all = await t.dataSource.manager.find(CooperationRequestEntity);
    expect(all.length).toBe(11);
    const open = await t.dataSource.manager.find(RequestAssignmentEntity);
    const assigned = (principal: Principal, requestId: string) =>
      open.some(
        (row) =>
          row.requestId === requestId &&
          row.userId === principal.userId &&
          row.agencyId === principal.agencyId &&
          row.unassignedAt === null,
      );
    const mismatches: string[] = [];
    for (const username of USERS) {
      const principal = await principalOf(username);
      for (const box of BOXES) {
        const condition = visibilityCondition(principal, box);
        const listed = (
          await t.dataSource.manager
            .createQueryBuilder(CooperationRequestEntity, 'r')
            .where(condition.sql, condition.params)
            .getMany()
        )
          .map((request) => request.id)
          .sort();
        const expected = all
          .filter((request) => {
            if (needsAssignment(principal, request) && !assigned(principal, request.id)) return false;
            const relations = relationsOf(principal, request);
            if (box === 'incoming')
              return (
                relations.has(PartyRelation.RequestedAgency) || relations.has(PartyRelation.ExecutingAgency)
              );
            if (box === 'outgoing')
              return (
                relations.has(PartyRelation.RequestingAgency) ||
                relations.has(PartyRelation.RequestingCentralAuthority)
              );
            return relations.size > 0;
          })
          .map((request) => request.id)
          .sort();
        if (JSON.stringify(listed) !== JSON.stringify(expected))
          mismatches.push(`${username} box=${box ?? 'all'}`);
      }
    }
    expect(mismatches).toEqual([]);
    // The list endpoint pages through exactly what the plain condition selects, in its order: it
    // takes each relation's first rows apart (one index each) and must lose nothing doing so.
    const paged: string[] = [];
    for (const username of USERS) {
      const client = await t.as(username);
      const principal = await principalOf(username);
      for (const box of BOXES) {
        for (const status of [undefined, 'transmitted'] as const) {
          const condition = visibilityCondition(principal, box);
          const plain = t.dataSource.manager
            .createQueryBuilder(CooperationRequestEntity, 'r')
            .where(condition.sql, condition.params);
          if (status) plain.andWhere('r.status = :status', { status });
          const expected = (
            await plain.orderBy('r.created_at', 'DESC').addOrderBy('r.id', 'DESC').getMany()
          ).map((request) => request.id);
          const seen: string[] = [];
          let cursor: string | undefined;
          do {
            const page = ok(
              await client.GET('/v1/requests', { params: { query: { box, status, limit: 3, cursor } } }),
            );
            seen.push(...page.items.map((item) => item.id));
            cursor = page.nextCursor ?? undefined;
          } while (cursor);
          if (JSON.stringify(seen) !== JSON.stringify(expected))
            paged.push(`${username} box=${box ?? 'all'} status=${status ?? 'any'}`);
        }
      }
    }
    expect(paged).toEqual([]);
    // Spot checks that the combinations above are not trivially empty.
    const byId = (id: string) => all.find((request) => request.id === id)!;
    const vnCentralPrincipal = await principalOf('vn.central');
    expect([...relationsOf(vnCentralPrincipal, byId(ready))]).toEqual([
      PartyRelation.RequestingCentralAuthority,
    ]);
    expect(relationsOf(vnCentralPrincipal, byId(draft)).size).toBe(0);
    expect(relationsOf(vnCentralPrincipal, byId(pending)).size).toBe(0);
    expect(relationsOf(vnCentralPrincipal, byId(reverse)).size).toBe(0);
    const frPrincipal = await principalOf('fr.central');
    const frSees = all
      .filter((request) => relationsOf(frPrincipal, request).size > 0)
      .map((request) => request.id);
    expect(frSees.sort()).toEqual([received, routed, confidentialReceived, reassigned].sort());
    const frContactPrincipal = await principalOf('fr.contact');
    const frContactSees = all
      .filter((request) => relationsOf(frContactPrincipal, request).size > 0)
      .map((request) => request.id);
    expect(frContactSees.sort()).toEqual([toContactPoint, reverse].sort());
    // Need-to-know: the author and the assigned executing officer only, until taken off.
    const listedFor = async (username: DemoUser) => {
      const condition = visibilityCondition(await principalOf(username), undefined);
      const rows = await t.dataSource.manager
        .createQueryBuilder(CooperationRequestEntity, 'r')
        .where(condition.sql, condition.params)
        .getMany();
      return rows.map((request) => request.id);
    };
    // The executing agency sees what was routed to it, and nothing else.
    expect(await listedFor('fr.investigator')).toEqual([routed]);
    expect(await listedFor('vn.officer')).toEqual(
      expect.arrayContaining([confidentialDraft, confidentialReceived]),
    );
    expect(await listedFor('vn.officer')).not.toContain(reassigned);
    expect(await listedFor('vn.supervisor')).toEqual(expect.arrayContaining([confidentialDraft, reassigned]));
    expect(await listedFor('fr.executing')).toContain(confidentialReceived);
    expect(await listedFor('fr.executing')).not.toContain(reassigned);
    expect(await listedFor('fr.central')).toEqual(expect.arrayContaining([confidentialReceived, reassigned]));
    // Withdrawn after approval: still with the requesting central authority, never with France.
    expect([...relationsOf(vnCentralPrincipal, byId(withdrawnReady))]).toEqual([
      PartyRelation.RequestingCentralAuthority,
    ]);
  });
});
