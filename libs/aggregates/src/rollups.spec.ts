import { describe, expect, it } from 'vitest';
import { measurementCatalogue } from '@hv/contracts';
import { dailyStatement, deviceHourStatements, hourlyStatements, rollupFields, ROLLUPS } from './rollups';

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

  it('average each device per hour into device_h1 for the types reporting more often than hourly, keeping every tag', () => {
    const statements = deviceHourStatements(Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-01-01T02:00:00Z'));
    const into = statements.map((s) => /INTO "device_h1"\.("[a-z0-9_]+")/.exec(s)?.[1]);
    expect(into).toEqual(['"lighting_controller"', '"lighting_cabinet"', '"boiler_room"', '"air_station"', '"co2_sensor"', '"car_park"']);
    expect(statements[0]).toBe(`SELECT MEAN(*) INTO "device_h1"."lighting_controller" FROM "lighting_controller" WHERE time >= '2026-01-01T00:00:00.000Z' AND time < '2026-01-01T02:00:00.000Z' GROUP BY time(1h), * fill(none)`);
  });
});
