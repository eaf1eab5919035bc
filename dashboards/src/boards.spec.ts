import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measurementCatalogue, ROLLUP_POLICIES } from '@hv/contracts';
import { ROLLUPS } from '@hv/aggregates';
import { generateBoards } from './generate';
import { boardQueries } from './queries';

const catalogue = measurementCatalogue();
const boards = generateBoards();
const committed = join(__dirname, '..', 'generated');
const rollupMeasurements = new Set(ROLLUPS.map((r) => r.measurement));
/** `"rp".` before a measurement: a rollup policy, or the trends board's `$rp` variable choosing one. */
const RP_PREFIX = /"(\$rp|[a-z0-9]+)"\.(?=")/g;
const isPolicy = (rp: string) => rp === '$rp' || rp in ROLLUP_POLICIES;

/** The names a query may quote: measurements, their tags and fields, and its own aliases. */
function unknownNames(query: string): string[] {
  const policies = [...query.matchAll(RP_PREFIX)].map((x) => x[1]!);
  if (!policies.every(isPolicy)) return policies.filter((p) => !isPolicy(p));
  query = query.replace(RP_PREFIX, '');
  const quoted = [...query.matchAll(/"([^"]+)"/g)].map((x) => x[1]!);
  const aliases = new Set([...query.matchAll(/\bAS\s+"([^"]+)"/gi)].map((x) => x[1]!));
  const measurements = quoted.filter((q) => catalogue.has(q));
  // SHOW TAG VALUES without FROM: any measurement's tags.
  const scope = measurements.length ? measurements : [...catalogue.keys()];
  const known = new Set<string>(measurements);
  for (const name of scope) for (const s of [catalogue.get(name)!.tags, catalogue.get(name)!.fields]) for (const x of s) known.add(x);
  return quoted.filter((q) => !known.has(q) && !aliases.has(q));
}

describe('Grafana boards as code', () => {
  it('builds the seven boards and the trends board, each with panels that query InfluxDB', () => {
    expect([...boards.keys()].sort()).toEqual(['hv-air.json', 'hv-cdn.json', 'hv-fleet.json', 'hv-heating.json', 'hv-lighting.json', 'hv-parking.json', 'hv-territory.json', 'hv-trends.json']);
    for (const [name, json] of boards) {
      const board = JSON.parse(json) as { schemaVersion: number; panels: Array<{ title: string; targets?: unknown[] }> };
      expect(board.schemaVersion, name).toBe(42);
      for (const p of board.panels) expect(p.targets?.length, `${name}: ${p.title}`).toBeGreaterThan(0);
    }
  });

  it('is committed as generated: regenerating gives no diff', () => {
    for (const [name, json] of boards) expect(readFileSync(join(committed, name), 'utf8'), `${name} is stale: npm run dashboards`).toBe(json);
  });

  it('references only measurements, tags and fields the contract defines', () => {
    const queries = [...boards.values()].flatMap((json) => boardQueries(JSON.parse(json)));
    expect(queries.length).toBeGreaterThan(50);
    for (const q of queries) {
      expect(unknownNames(q.query), `${q.board} / ${q.where}: ${q.query}`).toEqual([]);
      // Every source is a quoted measurement of the contract (or a subquery over one).
      const sources = [...q.query.matchAll(/\bFROM\s+(\(|(?:"[^"]+"\.)?"[^"]+"(?:\s*,\s*(?:"[^"]+"\.)?"[^"]+")*)/gi)].map((x) => x[1]!);
      if (q.kind !== 'variable' || /\bFROM\b/i.test(q.query)) expect(sources.length, q.query).toBeGreaterThan(0);
      for (const s of sources) {
        if (s === '(') continue;
        for (const source of s.split(',')) {
          const [rp, name] = source.includes('.') ? source.trim().split('.').map((x) => x.replaceAll('"', '')) : [undefined, source.trim().replaceAll('"', '')];
          expect(catalogue.has(name!), `${q.where}: ${name}`).toBe(true);
          // A rollup is read from its policies, and only a rollup is.
          expect(rp !== undefined, `${q.where}: ${source}`).toBe(rollupMeasurements.has(name!));
        }
      }
    }
  });

  it('catches a name the contract does not have', () => {
    expect(unknownNames('SELECT mean("level_pct") FROM "lighting_controller" WHERE "tenant" = \'x\'')).toEqual([]);
    expect(unknownNames('SELECT mean("lamp_level") FROM "lighting_controller"')).toEqual(['lamp_level']);
    expect(unknownNames('SELECT mean("power_w") FROM "street_lights"')).toEqual(['street_lights']);
    expect(unknownNames('SELECT sum("energy_wh") FROM "$rp"."lighting_commune"')).toEqual([]);
    expect(unknownNames('SELECT sum("energy_wh") FROM "w1"."lighting_commune"')).toEqual(['w1']);
    expect(unknownNames('SELECT sum("lamp_wh") FROM "d1"."lighting_commune"')).toEqual(['lamp_wh']);
  });
});
