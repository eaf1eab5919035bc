/**
 * Bad input at volume: 100,000 generated malformed messages (fast-check) on every topic
 * shape ingest subscribes to — native topics with arbitrary levels, ChirpStack and The
 * Things Stack topics — with arbitrary bytes, arbitrary JSON, and non-object JSON from
 * registered devices. Ingest must not crash, must count every one as rejected, store none,
 * and still store a valid message afterwards.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { influxCount } from '@hv/devkit';
import { FleetPublisher, lightingFleet } from '@hv/simulators';
import { connect, preparePlatform, SERVICE_ACCOUNT, type TestPlatform } from '../support/platform';
import { metricSum, scrape, waitFor } from '../support/wait';

const SEED = 'e2e-fuzz';
const COUNT = Number(process.env.HV_FUZZ_COUNT ?? 100_000);
const fleet = lightingFleet({ seed: SEED, tenant: '02408', controllers: 5 });
const known = fleet.devices.filter((d) => d.type === 'lighting-controller');

/**
 * A topic level the embedded broker lets through: no '/', no wildcards, no NUL, not empty
 * (it refuses empty levels and disconnects the publisher: security.e2e).
 */
const level = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((s) => s.replace(/[/+#\u0000]/g, '_'));
const channel = fc.constantFrom('telemetry', 'event', 'status', 'ack');
const topic = fc.oneof(
  // native shape, arbitrary levels (unregistered ids, bad tenants, bad domains)
  fc.tuple(level, level, level, channel).map(([t, d, id, c]) => `hv/v1/${t}/${d}/zz${id}/${c}`),
  // well-formed ids nobody registered
  fc.tuple(fc.constantFrom('02408', '02691'), fc.constantFrom('lighting', 'heating', 'air', 'parking'), fc.stringMatching(/^[a-z0-9]{1,12}$/), channel).map(([t, d, id, c]) => `hv/v1/${t}/${d}/zz-${id}/${c}`),
  // registered device, wrong or right domain and tenant
  fc.tuple(fc.constantFrom(...known), fc.constantFrom('02408', '02691', '0'), fc.constantFrom('lighting', 'parking', 'x'), channel).map(([d, t, dom, c]) => `hv/v1/${t}/${dom}/${d.id}/${c}`),
  fc.tuple(level, level).map(([app, eui]) => `application/${app}/device/${eui}/event/up`),
  fc.tuple(level, level).map(([app, dev]) => `v3/${app}/devices/${dev}/up`),
);
/** Never a valid reading: raw bytes, a JSON that is not an object, or an object without ts, seq and online (status needs only online). */
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.concat([Buffer.from([0xff]), Buffer.from(b)])),
  fc.oneof(fc.integer(), fc.string(), fc.array(fc.jsonValue(), { maxLength: 5 }), fc.constant(null)).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
  fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => !['ts', 'seq', 'online'].includes(k)), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }).map((o) => Buffer.from(JSON.stringify(o))),
  fc.string({ unit: 'binary', maxLength: 256 }).map((s) => Buffer.from(`{${s}`)),
);

describe('100,000 malformed messages', () => {
  let tp: TestPlatform;
  beforeAll(async () => {
    tp = await preparePlatform('e2e_fuzz', fleet.devices, SEED);
    await tp.start();
  });
  afterAll(async () => {
    await tp?.stop();
  });

  it('are all counted as rejected, none stored, and ingest keeps working', async () => {
    const samples = fc.sample(fc.tuple(topic, payload), { numRuns: COUNT, seed: 20261123 });
    expect(samples).toHaveLength(COUNT);
    const client = await connect(tp.platform!.brokerUrl, { ...SERVICE_ACCOUNT, clientId: 'e2e-fuzzer' });
    const result = await new FleetPublisher(client).publish(samples.map(([t, p]) => ({ topic: t, payload: p })), { window: 2_000, qos: 1 });
    expect(result.acked).toBe(COUNT);

    const metrics = await waitFor(() => scrape(tp.platform!.httpUrl), (m) => metricSum(m, 'hv_ingest_rejected_total') >= COUNT, Number(process.env.HV_FUZZ_WAIT ?? 120_000), 1_000);
    expect(metricSum(metrics, 'hv_ingest_received_total')).toBe(COUNT);
    expect(metricSum(metrics, 'hv_ingest_rejected_total')).toBe(COUNT);
    expect(metricSum(metrics, 'hv_ingest_stored_points_total')).toBe(0);
    // Every reason the generators aim at shows up.
    for (const reason of ['bad_topic', 'unknown_device', 'malformed_json', 'schema', 'tenant_mismatch', 'domain_mismatch']) {
      expect(metricSum(metrics, 'hv_ingest_rejected_total', { reason }), reason).toBeGreaterThan(0);
    }
    // Labels stay bounded: unregistered ids are folded, whatever the fuzzer invented.
    const devices = new Set([...metrics.matchAll(/hv_ingest_rejected_total\{[^}]*device="([^"]*)"/g)].map((m) => m[1]));
    expect([...devices].every((d) => d === '_unregistered' || known.some((k) => k.id === d))).toBe(true);

    // Still alive and storing.
    const health = (await (await fetch(`${tp.platform!.httpUrl}/health`)).json()) as { status: string };
    expect(health.status, JSON.stringify(health)).toBe('ok');
    const device = known[0]!;
    await client.publishAsync(`hv/v1/02408/lighting/${device.id}/telemetry`, JSON.stringify({ ts: Date.now(), seq: 1, on: true, level_pct: 100, power_w: 52, energy_wh: 10 }), { qos: 1 });
    await client.endAsync();
    expect(await waitFor(() => influxCount(tp.influx.url, tp.influx.db, 'lighting_controller'), (n) => n === 1, 15_000)).toBe(1);
  });
});
