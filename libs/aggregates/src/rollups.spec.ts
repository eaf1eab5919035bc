import { describe, expect, it } from 'vitest';
import { measurementCatalogue } from '@hv/contracts';
import { dailyStatement, hourlyStatements, rollupFields, ROLLUPS } from './rollups';

const catalogue = measurementCatalogue();

describe('rollup statements', () => {
  it('write exactly the fields the contract declares for each rollup measurement', () => {
    for (const r of ROLLUPS) {
      const declared = [...catalogue.get(r.measurement)!.fields].sort();
      const written = rollupFields(r).sort();
      expect(written, r.measurement).toEqual(declared);
      expect([...catalogue.get(r.measurement)!.tags].sort()).toEqual(['epci', 'tenant']);
    }
  });

  it('read a counter’s raw points from one hour before the period, so that its first hour has its previous value', () => {
    const statements = hourlyStatements(ROLLUPS[0]!, Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-01-02T00:00:00Z'));
    const energy = statements.find((s) => s.includes('AS "energy_wh"'))!;
    expect(energy).toContain(`INTO "h1"."lighting_commune"`);
    expect(energy).toMatch(/\) WHERE time >= '2025-12-31T23:00:00.000Z' AND time < '2026-01-02T00:00:00.000Z' GROUP BY time\(1h\), "tenant", "epci"$/);
    // Every subquery has one field (InfluxDB 1.6 is far slower with several).
    for (const s of statements) for (const sub of s.matchAll(/FROM \(SELECT (.*?) FROM /g)) expect(sub[1]!.split(' AS ')).toHaveLength(2);
    expect(dailyStatement(ROLLUPS[0]!, 0, 86_400_000)).toMatch(/INTO "d1"."lighting_commune" FROM "h1"."lighting_commune" .* GROUP BY time\(1d\), "tenant", "epci"$/);
  });
});
