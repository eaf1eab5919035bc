import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeviceInfo } from '@hv/contracts';
import { MetricsRegistry } from '@hv/observability';
import { InfluxUnavailableError, type InfluxRepository } from '@hv/timeseries';
import { Normalizer, StaticDeviceDirectory, type DeviceDirectory, type InboundMessage } from '@hv/uplink';
import type { DeadLetter, DeadLetterSink } from './dead-letter.publisher';
import { IngestMetrics } from './ingest.metrics';
import type { IngestOptions } from './ingest.options';
import { IngestService } from './ingest.service';
import { BatchWriter, type LineSink } from './writer/batch-writer';
import { DiskSpool } from './writer/disk-spool';

const NOW = Date.now();
const lamp: DeviceInfo = { id: 'lc-02408-1', tenant: '02408', type: 'lighting-controller', epci: '200043495', cabinet: null, devEui: null };
const spot: DeviceInfo = { id: 'ps-02691-7', tenant: '02691', type: 'parking-spot', epci: null, cabinet: null, devEui: '70b3d57ed0000007' };
const LIMITS = { maxPayloadBytes: 4096, maxFutureMs: 300_000, maxPastMs: 86_400_000 };

/** InfluxDB's /write: holds each write until released (`hold`), fails while `down`, records what it stored. */
class GatedInflux implements LineSink {
  stored: string[] = [];
  down = false;
  hold = false;
  private readonly held: Array<() => void> = [];
  async write(body: string): Promise<void> {
    if (this.hold) await new Promise<void>((r) => this.held.push(r));
    if (this.down) throw new InfluxUnavailableError('connect ECONNREFUSED');
    this.stored.push(...body.split('\n'));
  }
  release(): void {
    this.hold = false;
    for (const r of this.held.splice(0)) r();
  }
}

/** The dead-letter topic: records each letter; the publish resolves once the broker would have acknowledged it. */
class RecordingDeadLetters implements DeadLetterSink {
  letters: DeadLetter[] = [];
  async publish(letter: DeadLetter): Promise<void> {
    this.letters.push(letter);
  }
  async close(): Promise<void> {}
}

const json = (o: unknown) => Buffer.from(JSON.stringify(o));
const telemetry = (seq: number, extra: Record<string, unknown> = {}): InboundMessage => ({
  topic: 'hv/v1/02408/lighting/lc-02408-1/telemetry',
  payload: json({ ts: NOW - 1_000, seq, on: true, level_pct: 50, power_w: 27.6, energy_wh: 1832.5, ...extra }),
  receivedAtMs: NOW,
});
/** Resolves to 'pending' when the promise has not settled within a few turns of the event loop. */
const stateOf = (p: Promise<unknown>) => Promise.race([p.then(() => 'resolved'), new Promise((r) => setTimeout(() => r('pending'), 50))]);

describe('IngestService', () => {
  const dirs: string[] = [];
  const writers: BatchWriter[] = [];
  afterEach(async () => {
    for (const w of writers.splice(0)) await w.close();
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  async function setup(options: { devices?: DeviceDirectory; flushMs?: number } = {}) {
    const dir = await mkdtemp(join(tmpdir(), 'hv-ingest-'));
    dirs.push(dir);
    const spool = new DiskSpool(join(dir, 'spool'), 10_000_000);
    const quarantine = new DiskSpool(join(dir, 'quarantine'), Number.MAX_SAFE_INTEGER);
    await spool.open();
    await quarantine.open();
    const influx = new GatedInflux();
    const metrics = new IngestMetrics(new MetricsRegistry());
    const writer = new BatchWriter(influx, spool, quarantine, { batchLines: 100, flushMs: options.flushMs ?? 10 }, metrics);
    writers.push(writer);
    const devices = options.devices ?? new StaticDeviceDirectory([lamp, spot]);
    const deadLetters = new RecordingDeadLetters();
    const ingestOptions = { mqtt: { clientId: 'ingest-test' }, reportMs: 60_000 } as IngestOptions;
    // Only the periodic report writes through the repository; the device points go through the writer.
    const service = new IngestService(new Normalizer(devices, LIMITS), writer, deadLetters, devices, metrics, ingestOptions, influx as unknown as InfluxRepository);
    return { service, influx, spool, metrics, deadLetters };
  }

  it('acknowledges an accepted message only once its point is written', async () => {
    const { service, influx, metrics } = await setup();
    influx.hold = true;
    const handled = service.handle(telemetry(12));
    expect(await stateOf(handled)).toBe('pending');
    expect(influx.stored).toEqual([]);
    influx.release();
    await handled;
    expect(influx.stored).toHaveLength(1);
    expect(influx.stored[0]).toMatch(/^lighting_controller,device=lc-02408-1,epci=200043495,tenant=02408 /);
    expect(influx.stored[0]).toContain('level_pct=50');
    expect([metrics.received, metrics.storedPoints, metrics.rejectedCount]).toEqual([1, 1, 0]);
  });

  it('dead-letters a rejected message with the field named and counted, the others of its batch stored', async () => {
    const { service, influx, metrics, deadLetters } = await setup();
    const bad = telemetry(13, { level_pct: 150 });
    await service.handleAll([telemetry(12), bad, telemetry(14)]);
    expect(influx.stored).toHaveLength(2);
    expect(influx.stored.map((l) => /seq=(\d+)/.exec(l)![1])).toEqual(['12', '14']);
    expect(deadLetters.letters).toHaveLength(1);
    expect(deadLetters.letters[0]).toMatchObject({ reason: 'schema', tenant: '02408', device: 'lc-02408-1', topic: bad.topic });
    expect(deadLetters.letters[0]!.detail).toMatch(/^level_pct: /);
    expect(Buffer.from(deadLetters.letters[0]!.payload_base64, 'base64').equals(bad.payload)).toBe(true);
    expect([metrics.received, metrics.storedPoints, metrics.rejectedBy('schema'), metrics.rejectedCount]).toEqual([3, 2, 1, 1]);
  });

  it('never throws on garbage: malformed JSON, an unknown device, a foreign topic each end as a counted dead letter', async () => {
    const { service, influx, metrics, deadLetters } = await setup();
    await service.handleAll([
      { topic: 'hv/v1/02408/lighting/lc-02408-1/telemetry', payload: Buffer.from('{"ts": 1,'), receivedAtMs: NOW },
      { topic: 'hv/v1/02408/lighting/lc-02408-999/telemetry', payload: telemetry(1).payload, receivedAtMs: NOW },
      { topic: 'somewhere/else', payload: Buffer.alloc(0), receivedAtMs: NOW },
      telemetry(2),
    ]);
    expect(deadLetters.letters.map((l) => l.reason)).toEqual(['malformed_json', 'unknown_device', 'bad_topic']);
    expect(influx.stored).toHaveLength(1);
    expect(metrics.rejectedCount).toBe(3);
  });

  it('stores a LoRaWAN uplink as its device\'s point, the radio fields included', async () => {
    const { service, influx } = await setup();
    const body = { deviceInfo: { devEui: spot.devEui }, time: new Date(NOW - 2_000).toISOString(), fCnt: 41, object: { occupied: true }, rxInfo: [{ rssi: -98, snr: 4 }] };
    await service.handle({ topic: 'application/a/device/70b3d57ed0000007/event/up', payload: json(body), receivedAtMs: NOW });
    expect(influx.stored).toEqual([`parking_spot,device=ps-02691-7,tenant=02691 seq=41,rssi_dbm=-98,snr_db=4,occupied=true ${NOW - 2_000}`]);
  });

  it('acknowledges once the point is spooled durably when InfluxDB is down, and replays it when back', async () => {
    const { service, influx, spool, metrics } = await setup();
    influx.down = true;
    await service.handle(telemetry(12));
    expect(metrics.spooledPoints).toBe(1);
    expect(metrics.storedPoints).toBe(0);
    const segment = await spool.oldest();
    expect(segment?.body).toMatch(/^lighting_controller,.* .*seq=12/);
    influx.down = false;
    for (let i = 0; i < 100 && metrics.replayedPoints === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(metrics.replayedPoints).toBe(1);
    expect(influx.stored).toHaveLength(1);
  });

  it('reads each message once: one registry lookup and one JSON parse per message, native or LoRaWAN', async () => {
    const registry = new StaticDeviceDirectory([lamp, spot]);
    let lookups = 0;
    const counting: DeviceDirectory = {
      byId: (id) => (lookups++, registry.byId(id)),
      byDevEui: (eui) => (lookups++, registry.byDevEui(eui)),
      hasTenant: (t) => registry.hasTenant(t),
      isKnown: (id) => registry.isKnown(id),
    };
    const { service, influx } = await setup({ devices: counting });
    const lora = { deviceInfo: { devEui: spot.devEui }, time: new Date(NOW - 2_000).toISOString(), fCnt: 41, object: { occupied: true } };
    const batch = [telemetry(1), { topic: 'application/a/device/70b3d57ed0000007/event/up', payload: json(lora), receivedAtMs: NOW }, telemetry(2, { level_pct: 150 })];
    const parse = vi.spyOn(JSON, 'parse');
    try {
      await service.handleAll(batch);
      expect(parse).toHaveBeenCalledTimes(batch.length);
    } finally {
      parse.mockRestore();
    }
    expect(lookups).toBe(batch.length);
    expect(influx.stored).toHaveLength(2);
  });

  it('holds a message unacknowledged while the registry is unreachable, and stores it once the lookup succeeds', async () => {
    const registry = new StaticDeviceDirectory([lamp]);
    let failures = 1;
    const flaky: DeviceDirectory = {
      byId: (id) => (failures-- > 0 ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')) : Promise.resolve(registry.byId(id))),
      byDevEui: (eui) => registry.byDevEui(eui),
      hasTenant: (t) => registry.hasTenant(t),
      isKnown: (id) => registry.isKnown(id),
    };
    const { service, influx, metrics, deadLetters } = await setup({ devices: flaky });
    const handled = service.handle(telemetry(12));
    expect(await stateOf(handled)).toBe('pending');
    await handled; // retried after REGISTRY_RETRY_MIN_MS
    expect(influx.stored).toHaveLength(1);
    expect(deadLetters.letters).toEqual([]);
    expect(metrics.rejectedCount).toBe(0);
  });
});
