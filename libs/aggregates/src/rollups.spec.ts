import { describe, expect, it } from 'vitest';
import { measurementCatalogue } from '@hv/contracts';
import { dailyStatement, hourlyStatements, ROLLUPS } from './rollups';

const catalogue = measurementCatalogue();

describe('rollup statements', () => {
  it('write exactly the fields the contract declares for each rollup measurement', () => {
    for (const r of ROLLUPS) {
      const declared = [...catalogue.get(r.measurement)!.fields].sort();
      const written = [...r.fields.map((f) => f.name), ...r.hours.map((h) => h.name)].sort();
      expect(written, r.measurement).toEqual(declared);
      expect([...catalogue.get(r.measurement)!.tags].sort()).toEqual(['epci', 'tenant']);
    }
  });

  it('read the raw points one hour before the period, so that a counter has its previous value', () => {
    const [main] = hourlyStatements(ROLLUPS[0]!, Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-01-02T00:00:00Z'));
    expect(main).toContain(`INTO "h1"."lighting_commune"`);
    expect(main).toContain(`time >= '2025-12-31T23:00:00.000Z'`);
    expect(main).toMatch(/\) WHERE time >= '2025-12-31T23:00:00.000Z' AND time < '2026-01-02T00:00:00.000Z' GROUP BY time\(1h\), "tenant", "epci"$/);
    expect(dailyStatement(ROLLUPS[0]!, 0, 86_400_000)).toMatch(/INTO "d1"."lighting_commune" FROM "h1"."lighting_commune" .* GROUP BY time\(1d\), "tenant", "epci"$/);
  });
});
