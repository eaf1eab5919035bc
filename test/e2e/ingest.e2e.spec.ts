/**
 * End to end on the real services: simulated devices of several communes and all four
 * domains publish through the embedded broker; every valid message must come back from
 * InfluxDB once, with its tags and values; every invalid one must be in the dead-letter
 * topic with its reason and in the counters, and stored nowhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_TYPES, geohashOf, toPoint, type UplinkChannel } from '@hv/contracts';
import { FleetPublisher, invalidMessages, messages, mixedFleet, type SimMessage } from '@hv/simulators';
import { INGEST_FILTERS } from '@hv/ingest';
import { DeviceRepository, Database } from '@hv/state';
import { InfluxRepository } from '@hv/timeseries';
import { connect, listenDeadLetters, preparePlatform, SERVICE_ACCOUNT, type TestPlatform } from '../support/platform';
import { metricSum, scrape, topicMatches, waitFor } from '../support/wait';

const SEED = 'e2e-ingest';

const VALID = 10_000;
const INVALID = 600;

describe('ingest, end to end through the embedded broker', () => {
  const fleet = mixedFleet({
    seed: SEED,
    tenants: [{ tenant: '02408' }, { tenant: '02691' }, { tenant: '02722' }, { tenant: '02168' }],
    perTenant: { 'lighting-controller': 20, 'lighting-cabinet': 2, 'boiler-room': 3, 'air-station': 1, 'co2-sensor': 6, 'parking-spot': 10, 'car-park': 1 },
  });
  let tp: TestPlatform;
  let dlq: Awaited<ReturnType<typeof listenDeadLetters>>;
  const valid: SimMessage[] = [...messages(fleet, { seed: SEED, count: VALID, startMs: Date.now() - 3_600_000, stepMs: 100, channels: ['telemetry', 'event', 'status'] })];
  // The embedded broker refuses oversized payloads itself (security.e2e), and topics outside
  // ingest's subscriptions (cmd, hv/v2/…) never reach it; the rest reach ingest through the
  // service account, as they would through an external broker without Hyperviseur's ACLs.
  const invalid = [...invalidMessages(fleet, SEED, INVALID)].filter(
    (m) => m.expectedReason !== 'oversized' && INGEST_FILTERS.some((f) => topicMatches(f, m.topic)),
  );

  beforeAll(async () => {
    tp = await preparePlatform('e2e_ingest', fleet.devices, SEED);
    const platform = await tp.start();
    dlq = await listenDeadLetters(platform.brokerUrl);
  });

  afterAll(async () => {
    await dlq?.close();
    await tp?.stop();
  });

  it('stores exactly the valid messages and dead-letters each invalid one with its reason', async () => {
    const brokerUrl = tp.platform!.brokerUrl;
    // Valid traffic: each commune's gateway publishes for its own devices, concurrently
    // with the invalid traffic.
    const publishing = tp.gateways.map(async (g) => {
      const client = await connect(brokerUrl, { username: g.username, password: g.password, clientId: `e2e-${g.username}` });
      try {
        const mine = valid.filter((m) => m.device.tenant === g.tenant);
        const result = await new FleetPublisher(client).publish(mine, { window: 500, qos: 1 });
        expect(result.acked).toBe(mine.length);
      } finally {
        await client.endAsync();
      }
    });
    const service = await connect(brokerUrl, { ...SERVICE_ACCOUNT, clientId: 'e2e-invalid' });
    await new FleetPublisher(service).publish(invalid, { window: 100, qos: 1 });
    await service.endAsync();
    await Promise.all(publishing);

    // Every message ends somewhere: wait until the counters account for all of them.
    const httpUrl = tp.platform!.httpUrl;
    const settled = await waitFor(
      async () => {
        const m = await scrape(httpUrl);
        return { stored: metricSum(m, 'hv_ingest_stored_points_total'), rejected: metricSum(m, 'hv_ingest_rejected_total'), letters: dlq.letters.length };
      },
      (s) => s.stored >= VALID && s.rejected >= invalid.length && s.letters >= invalid.length,
      120_000,
    );
    expect(settled).toEqual({ stored: VALID, rejected: invalid.length, letters: invalid.length });

    // InfluxDB holds exactly the valid messages, with the registry's tags and the payload's values.
    const influx = new InfluxRepository({ url: tp.influx.url, database: tp.influx.db });
    const db = new Database(tp.pgUrl);
    try {
      const registry = new Map((await new DeviceRepository(db).listActiveDevices()).map((d) => [d.id, d]));
      const expected = new Map<string, { tags: Record<string, string>; fields: Record<string, unknown> }>();
      const perMeasurement = new Map<string, number>();
      for (const m of valid) {
        const info = registry.get(m.device.id)!;
        const point = toPoint({ tenant: info.tenant, device: info.id, type: info.type, epci: info.epci, cabinet: info.cabinet, geohash: geohashOf(info.attributes) }, m.channel as UplinkChannel, JSON.parse(m.payload.toString('utf8')) as Record<string, unknown>, 0);
        expected.set(`${point.measurement}|${m.device.id}|${point.timestampMs}`, { tags: point.tags, fields: point.fields });
        perMeasurement.set(point.measurement, (perMeasurement.get(point.measurement) ?? 0) + 1);
      }
      expect(expected.size).toBe(VALID); // the stream has no two points on one series and instant
      const measurements = [...perMeasurement.keys()];
      // All four domains are in the stream.
      expect(new Set(valid.map((m) => DEVICE_TYPES[m.device.type].domain))).toEqual(new Set(['lighting', 'heating', 'air', 'parking']));
      expect(measurements).toEqual(expect.arrayContaining(Object.values(DEVICE_TYPES).map((t) => t.measurement)));

      let found = 0;
      for (const measurement of measurements) {
        const result = await influx.query(`SELECT * FROM "${measurement}" GROUP BY *`);
        let rows = 0;
        for (const series of result.series) {
          for (const row of series.rows) {
            rows++;
            const { time, ...fields } = row;
            const key = `${measurement}|${series.tags.device}|${time as number}`;
            const want = expected.get(key);
            expect(want, `unexpected point ${key}`).toBeDefined();
            // GROUP BY * lists every tag key of the measurement; '' where this series has none.
            expect(Object.fromEntries(Object.entries(series.tags).filter(([, v]) => v !== ''))).toEqual(want!.tags);
            // InfluxDB returns every field of the measurement; those this point lacks are null.
            const present = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null));
            expect(present).toEqual(want!.fields);
            found++;
          }
        }
        expect(rows, measurement).toBe(perMeasurement.get(measurement));
      }
      expect(found).toBe(VALID);
    } finally {
      await db.close();
      influx.close();
    }

    // Each invalid message is in the dead-letter topic with its expected reason, and counted.
    const byPayload = new Map(dlq.letters.map((l) => [`${l.topic as string}|${l.payload_base64 as string}`, l.reason]));
    for (const m of invalid) {
      expect(byPayload.get(`${m.topic}|${m.payload.toString('base64')}`), `${m.expectedReason}: ${m.topic}`).toBe(m.expectedReason);
    }
    const metrics = await scrape(httpUrl);
    const reasons = new Map<string, number>();
    for (const m of invalid) reasons.set(m.expectedReason, (reasons.get(m.expectedReason) ?? 0) + 1);
    expect(reasons.size).toBeGreaterThanOrEqual(8);
    for (const [reason, n] of reasons) expect(metricSum(metrics, 'hv_ingest_rejected_total', { reason }), reason).toBe(n);
    // Rejections of registered devices are counted under their tenant and device.
    const schemaOfKnown = invalid.find((m) => m.expectedReason === 'schema' && fleet.devices.some((d) => m.topic.includes(`/${d.id}/`)));
    if (schemaOfKnown) {
      const device = fleet.devices.find((d) => schemaOfKnown.topic.includes(`/${d.id}/`))!;
      expect(metricSum(metrics, 'hv_ingest_rejected_total', { reason: 'schema', tenant: device.tenant, device: device.id })).toBeGreaterThan(0);
    }
  });
});
