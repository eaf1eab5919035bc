/**
 * The KPI routes over a period against the real stack, as an integrator may call them:
 * hostile input is a 4xx naming the field (never 5xx), odd but valid input is answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiPlatform, type ApiPlatform } from '../../support/api-platform';

describe('KPI requests against the real stack', () => {
  let p: ApiPlatform;

  beforeAll(async () => {
    p = await startApiPlatform('e2e_api_kpi_requests');
  });
  afterAll(async () => {
    await p?.stop();
  });

  const op = () => p.keys.operator;
  const fields = (res: { body: { issues?: Array<{ field: string }> } }) => (res.body.issues ?? []).map((i) => i.field);

  describe('the KPIs over a period: hostile input is a 4xx naming the field, odd but valid input is answered', () => {
    const week = `from=${new Date(Date.now() - 8 * 86_400_000).toISOString()}&to=${new Date(Date.now() - 86_400_000).toISOString()}`;
    const routes = ['energy', 'air-quality', 'parking', 'report'];

    it('every parameter but a valid period hostile, one at a time', async () => {
      const bad: Array<[string, string]> = [
        ['tenant', "02408'%20OR%20tenant%3D~%2F.*%2F"],
        ['tenant', '02408%7C02691'],
        ['by', 'street'],
        ['format', 'xlsx'],
        ['reference_from', 'yesterday'],
      ];
      const doc = (await p.call('GET', '/api/v1/openapi.json')).body;
      for (const route of routes) {
        const declared = (doc.paths[`/api/v1/kpis/${route}`].get.parameters as Array<{ name: string }>).map((x) => x.name);
        for (const [name, value] of bad) {
          const res = await p.call('GET', `/api/v1/kpis/${route}?${week}&${name}=${value}`, { key: op() });
          if (!declared.includes(name)) {
            // Not a parameter of this route: ignored, as every route ignores unknown query parameters.
            expect(res.status, `${route} ${name}`).toBe(200);
            continue;
          }
          expect(res.status, `${route} ${name}=${value}`).toBe(400);
          expect(fields(res), `${route} ${name}`).toContain(`query.${name}`);
        }
      }
    });

    it('periods that run backwards, last over a year, have not ended, or are missing', async () => {
      const cases: Array<[string, string]> = [
        ['from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', 'query.from'],
        ['from=0001-01-01T00:00:00Z&to=9999-12-31T00:00:00Z', 'query.from'],
        [`from=${new Date(Date.now() + 3_600_000).toISOString()}&to=${new Date(Date.now() + 7_200_000).toISOString()}`, 'query.from'],
        ['to=2026-12-01T00:00:00Z', 'query.from'],
        ['from=2026-12-01', 'query.from'],
      ];
      for (const route of routes) {
        for (const [query, field] of cases) {
          const res = await p.call('GET', `/api/v1/kpis/${route}?${query}`, { key: op() });
          expect(res.status, `${route}?${query}`).toBe(400);
          expect(fields(res), `${route}?${query}`).toContain(field);
        }
      }
    });

    it('answers a period with nothing in it, an offset other than Z, and the département asked for by its code', async () => {
      for (const route of routes) {
        const old = await p.call('GET', `/api/v1/kpis/${route}?from=1971-01-01T00:00:00Z&to=1971-01-08T00:00:00Z`, { key: op() });
        expect(old.status, route).toBe(200);
        const offset = await p.call('GET', `/api/v1/kpis/${route}?from=2026-11-01T00:30:00%2B14:00&to=2026-11-02T00:00:00-12:00&tenant=02`, { key: p.keys.cdn });
        expect(offset.status, route).toBe(200);
        expect(offset.body.period, route).toEqual({ from: '2026-10-31T10:00:00.000Z', to: '2026-11-02T12:00:00.000Z' });
      }
    });
  });
});
