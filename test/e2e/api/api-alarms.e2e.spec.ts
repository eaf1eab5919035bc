/**
 * Alarms through the API against the real stack: acknowledge, assign, clear by hand, each
 * alarm's history with its comments, and the inbox's filters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAlarm, startApiPlatform, type ApiPlatform } from '../../support/api-platform';

describe('alarms through the API', () => {
  let p: ApiPlatform;

  beforeAll(async () => {
    p = await startApiPlatform('e2e_api_alarms');
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('acknowledge, assign, clear by hand, and find it in the history', async () => {
    const id = await insertAlarm(p.db, p.tenants.A);
    const key = p.keys.communeA;
    const acked = await p.call('POST', `/api/v1/alarms/${id}/acknowledge`, { key });
    expect(acked.body).toMatchObject({ id, state: 'acknowledged', acknowledgedBy: expect.stringMatching(/^e2e commune 02408 \(key [a-z2-7]{16}\)$/) });
    expect((await p.call('POST', `/api/v1/alarms/${id}/acknowledge`, { key })).status).toBe(409);
    expect((await p.call('POST', `/api/v1/alarms/${id}/assign`, { key, body: { assignee: 'Régie Laon' } })).body.assignee).toBe('Régie Laon');
    const cleared = await p.call('POST', `/api/v1/alarms/${id}/clear`, { key });
    expect(cleared.body).toMatchObject({ state: 'cleared', clearedBy: acked.body.acknowledgedBy });
    expect((await p.call('POST', `/api/v1/alarms/${id}/clear`, { key })).status).toBe(409);
    const open = await p.call('GET', `/api/v1/alarms?state=open&device=${p.tenants.A.device}`, { key });
    expect(open.body.alarms.map((a: { id: number }) => a.id)).not.toContain(id);
    const history = await p.call('GET', `/api/v1/alarms?state=cleared&from=${new Date(Date.now() - 60_000).toISOString()}`, { key });
    expect(history.body.alarms.map((a: { id: number }) => a.id)).toContain(id);
  });

  it("each alarm's history: who did what, with the comments, whoever wrote it (rules, a key, a person)", async () => {
    const id = await insertAlarm(p.db, p.tenants.A);
    const key = p.keys.communeA;
    const session = p.sessions.communeA;
    expect((await p.call('POST', `/api/v1/alarms/${id}/acknowledge`, { session, body: { comment: 'Vu, on envoie quelqu\'un' } })).status).toBe(200);
    expect((await p.call('POST', `/api/v1/alarms/${id}/assign`, { key, body: { assignee: 'Régie Laon', comment: 'Tournée de jeudi' } })).status).toBe(200);
    // An escalation by telegestion, as its rules write it (no actor given: the rules).
    await p.db.query(`UPDATE alarms SET severity = 'critical' WHERE id = $1`, [id]);
    expect((await p.call('POST', `/api/v1/alarms/${id}/clear`, { session, body: { comment: 'Lampe changée' } })).status).toBe(200);
    const noted = await p.call('POST', `/api/v1/alarms/${id}/comments`, { session, body: { comment: 'Facture transmise' } });
    expect(noted.status).toBe(201);
    const bad = await p.call('POST', `/api/v1/alarms/${id}/comments`, { session, body: { comment: '' } });
    expect(bad.body.issues.map((i: { field: string }) => i.field)).toEqual(['body.comment']);
    const { body } = await p.call('GET', `/api/v1/alarms/${id}`, { key });
    const person = expect.stringMatching(/^E2E communeA \(user [a-z2-7]{16}\)$/);
    const machine = expect.stringMatching(/^e2e commune 02408 \(key [a-z2-7]{16}\)$/);
    expect(body.history.map(({ event, actor, detail, comment }: Record<string, unknown>) => ({ event, actor, detail, comment }))).toEqual([
      { event: 'raised', actor: 'rules', detail: 'major', comment: null },
      { event: 'acknowledged', actor: person, detail: null, comment: "Vu, on envoie quelqu'un" },
      { event: 'assigned', actor: machine, detail: 'Régie Laon', comment: 'Tournée de jeudi' },
      { event: 'escalated', actor: 'rules', detail: 'critical', comment: null },
      { event: 'cleared', actor: person, detail: null, comment: 'Lampe changée' },
      { event: 'commented', actor: person, detail: null, comment: 'Facture transmise' },
    ]);
    expect(noted.body.history).toEqual(body.history);
    // Another commune can neither read nor write it.
    expect((await p.call('POST', `/api/v1/alarms/${id}/comments`, { session: p.sessions.communeB, body: { comment: 'intrus' } })).status).toBe(404);
  });

  it('the inbox filters by assignee, and - for the alarms nobody handles', async () => {
    const mine = await insertAlarm(p.db, p.tenants.A);
    const nobody = await insertAlarm(p.db, p.tenants.A);
    const key = p.keys.communeA;
    await p.call('POST', `/api/v1/alarms/${mine}/assign`, { key, body: { assignee: 'Équipe sud' } });
    const assigned = await p.call('GET', `/api/v1/alarms?state=open&assignee=${encodeURIComponent('Équipe sud')}`, { key });
    expect(assigned.body.alarms.map((a: { id: number }) => a.id)).toEqual([mine]);
    const unassigned = await p.call('GET', '/api/v1/alarms?state=open&assignee=-&limit=1000', { key });
    const ids = unassigned.body.alarms.map((a: { id: number }) => a.id);
    expect(ids).toContain(nobody);
    expect(ids).not.toContain(mine);
  });
});
