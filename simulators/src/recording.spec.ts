import type { MqttClient } from 'mqtt';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from './testing/test-broker';
import { connectGateway } from './connect';
import { demoFleet } from './fleet';
import { readRecording, recordStream, RecordingFormatError, streamHash, type RecordableMessage, type RecordedMessage } from './recording';
import { replayRecording } from './replay';
import { messages } from './stream';

const fleet = demoFleet({ controllers: 20, cabinets: 1 });
const START = Date.parse('2025-12-21T12:00:00Z');

let dir: string;
let testBroker: Awaited<ReturnType<typeof startTestBroker>>;
let url: string;
const clients: MqttClient[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hv-recording-'));
  testBroker = await startTestBroker();
  url = testBroker.url;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await testBroker.close();
  await rm(dir, { recursive: true, force: true });
});

let files = 0;
const tmp = () => join(dir, `rec-${files++}.jsonl.gz`);

async function readAll(path: string): Promise<RecordedMessage[]> {
  const out: RecordedMessage[] = [];
  for await (const m of readRecording(path)) out.push(m);
  return out;
}

async function gateway(name: string): Promise<MqttClient> {
  const c = await connectGateway(url, name, 'secret');
  clients.push(c);
  return c;
}

async function listener(filter: string): Promise<Array<{ topic: string; payload: Buffer }>> {
  const c = await gateway(`listener-${clients.length}`);
  const received: Array<{ topic: string; payload: Buffer }> = [];
  c.on('message', (topic, payload) => received.push({ topic, payload }));
  await c.subscribeAsync(filter, { qos: 1 });
  return received;
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A recording whose body lines are `lines`, under a valid header. */
async function rawRecording(lines: string[], header = '{"format":"hv-sim-recording","version":1}'): Promise<string> {
  const path = tmp();
  await writeFile(path, gzipSync(`${[header, ...lines].join('\n')}\n`));
  return path;
}

describe('recordStream / readRecording', () => {
  it('round-trips topics, payloads, qos and ts byte for byte', async () => {
    const source: RecordableMessage[] = [
      ...messages(fleet, { seed: 1, count: 500, startMs: START, channels: ['telemetry', 'event', 'status', 'ack'] }),
      { topic: 'raw/binary', payload: Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 13]), qos: 0 },
      { topic: 'raw/empty', payload: Buffer.alloc(0), ts: null },
      { topic: 'raw/text', payload: 'héllo\nwörld', ts: START, qos: 1 },
    ];
    const path = tmp();
    const summary = await recordStream(source, path);
    expect(summary.messages).toBe(source.length);
    expect(summary.compressedBytes).toBeLessThan(summary.bytes);

    const back = await readAll(path);
    expect(back).toHaveLength(source.length);
    back.forEach((m, i) => {
      const s = source[i]!;
      expect(m.topic).toBe(s.topic);
      expect(m.payload.equals(Buffer.isBuffer(s.payload) ? s.payload : Buffer.from(s.payload))).toBe(true);
      expect(m.qos).toBe(s.qos ?? 1);
      expect(m.ts).toBe(s.ts ?? null);
    });

    // The format as documented, and the sha256 over exactly these uncompressed bytes.
    const content = gunzipSync(await readFile(path));
    expect(content.length).toBe(summary.bytes);
    expect(createHash('sha256').update(content).digest('hex')).toBe(summary.sha256);
    const lines = content.toString('utf8').split('\n');
    expect(lines[0]).toBe('{"format":"hv-sim-recording","version":1}');
    const first = source[0]!;
    expect(JSON.parse(lines[1]!)).toEqual({ t: first.ts, topic: first.topic, payload_b64: Buffer.from(first.payload).toString('base64'), qos: 1 });
    expect(lines.at(-1)).toBe('');
  });

  it('gives the same stream hash for the same seed, another for another seed; streamHash agrees', async () => {
    const opts = { count: 2_000, startMs: START, channels: ['telemetry', 'event', 'ack'] as const };
    const a = await recordStream(messages(fleet, { ...opts, seed: 7 }), tmp());
    const b = await recordStream(messages(fleet, { ...opts, seed: 7 }), tmp());
    const c = await recordStream(messages(fleet, { ...opts, seed: 8 }), tmp());
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b.sha256).toBe(a.sha256);
    expect(c.sha256).not.toBe(a.sha256);
    expect(streamHash(messages(fleet, { ...opts, seed: 7 }))).toBe(a.sha256);
    expect(streamHash(messages(fleet, { ...opts, seed: 8 }))).toBe(c.sha256);
  });

  it('records lazily: a stream larger than one gzip chunk is pulled as it is written', async () => {
    let pulled = 0;
    function* counted() {
      for (const m of messages(fleet, { seed: 3, count: 20_000, startMs: START })) {
        pulled++;
        yield m;
      }
    }
    const path = tmp();
    const summary = await recordStream(counted(), path);
    expect(pulled).toBe(20_000);
    expect(summary.messages).toBe(20_000);
    let n = 0;
    for await (const _ of readRecording(path)) n++;
    expect(n).toBe(20_000);
  });

  it('leaves no file behind when the stream throws', async () => {
    const path = tmp();
    function* failing() {
      yield { topic: 'a', payload: Buffer.from('x') };
      throw new Error('generator failed');
    }
    await expect(recordStream(failing(), path)).rejects.toThrow('generator failed');
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(recordStream([{ topic: '', payload: Buffer.from('x') }], path)).rejects.toThrow(/message 0: topic/);
  });

  it('rejects a truncated or a non-gzip file with the line where the data ends', async () => {
    const path = tmp();
    await recordStream(messages(fleet, { seed: 4, count: 5_000, startMs: START }), path);
    const full = await readFile(path);
    const truncated = tmp();
    await writeFile(truncated, full.subarray(0, Math.floor(full.length / 2)));
    await expect(readAll(truncated)).rejects.toThrow(/line \d+: truncated recording: the gzip data ends after line \d+/);

    const corrupt = tmp();
    const bytes = Buffer.from(full);
    bytes.fill(0x55, 100, 200);
    await writeFile(corrupt, bytes);
    await expect(readAll(corrupt)).rejects.toBeInstanceOf(RecordingFormatError);

    const plain = tmp();
    await writeFile(plain, '{"format":"hv-sim-recording","version":1}\n');
    await expect(readAll(plain)).rejects.toThrow(/line 1: not gzip data or corrupt/);

    const empty = tmp();
    await writeFile(empty, gzipSync(''));
    await expect(readAll(empty)).rejects.toThrow(/line 1: empty file/);
  });

  it('rejects a wrong header', async () => {
    await expect(readAll(await rawRecording([], '{"format":"other","version":1}'))).rejects.toThrow(/line 1, field "format": not an hv-sim-recording file/);
    await expect(readAll(await rawRecording([], '{"format":"hv-sim-recording","version":2}'))).rejects.toThrow(/line 1, field "version": unsupported version 2/);
    await expect(readAll(await rawRecording([], 'hello'))).rejects.toThrow(/line 1: not an hv-sim-recording header \(not JSON\)/);
  });

  it('names the line and the field of a bad line, after yielding the good ones', async () => {
    const good = '{"t":1,"topic":"a/b","payload_b64":"eA==","qos":1}';
    const cases: Array<[string, RegExp]> = [
      ['{"t":1,"topic":"a/b","payload_b64":"eA==","qos":2}', /line 3, field "qos": expected 0 or 1, got 2/],
      ['{"t":"x","topic":"a/b","payload_b64":"eA==","qos":1}', /line 3, field "t": expected epoch ms or null/],
      ['{"t":1,"topic":"","payload_b64":"eA==","qos":1}', /line 3, field "topic": expected a non-empty string/],
      ['{"t":1,"topic":"a/b","payload_b64":"not base64!","qos":1}', /line 3, field "payload_b64": expected a base64 string/],
      ['{"t":1,"topic":"a/b","qos":1}', /line 3, field "payload_b64"/],
      ['{"t":1,"topic":"a/b",', /line 3: not JSON/],
      ['[1,2]', /line 3: expected a JSON object/],
      ['', /line 3: empty line/],
    ];
    for (const [bad, message] of cases) {
      const path = await rawRecording([good, bad, good]);
      const seen: RecordedMessage[] = [];
      const error = await (async () => {
        for await (const m of readRecording(path)) seen.push(m);
      })().catch((e: unknown) => e);
      expect(error, bad).toBeInstanceOf(RecordingFormatError);
      expect((error as RecordingFormatError).line).toBe(3);
      expect((error as Error).message).toMatch(message);
      expect(seen).toHaveLength(1);
    }
  });
});

describe('replayRecording', () => {
  it('delivers exactly the recorded messages, as fast as the window allows', async () => {
    const path = tmp();
    const source = [...messages(fleet, { seed: 5, count: 3_000, startMs: START, channels: ['telemetry', 'event'] })];
    await recordStream(source, path);
    const received = await listener('hv/v1/02408/+/+/+');
    const result = await replayRecording(path, await gateway('replay-fast'), { speed: Infinity, window: 100 });
    expect(result).toMatchObject({ published: 3_000, acked: 3_000, failed: 0 });
    expect(result.maxInFlight).toBeLessThanOrEqual(100);
    await until(() => received.length >= 3_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(3_000);
    // A single publisher on a single connection: the broker keeps the order.
    received.forEach((m, i) => {
      expect(m.topic).toBe(source[i]!.topic);
      expect(m.payload.equals(source[i]!.payload)).toBe(true);
    });
  });

  it('paces by the recorded timestamps divided by speed', async () => {
    // 200 messages, 10 ms apart: the recording spans ~2 s of ts; at speed 4, ~0.5 s.
    const path = tmp();
    await recordStream(messages(fleet, { seed: 6, count: 201, startMs: START, stepMs: 10 }), path);
    const received = await listener('hv/v1/02408/lighting/+/telemetry');
    const before = received.length;
    const started = performance.now();
    const result = await replayRecording(path, await gateway('replay-paced'), { speed: 4 });
    const elapsed = performance.now() - started;
    expect(result.acked).toBe(201);
    expect(elapsed).toBeGreaterThan(300);
    expect(elapsed).toBeLessThan(1_500);
    await until(() => received.length - before === 201);
  });

  it('restamps the payload ts when asked, and leaves non-JSON payloads alone', async () => {
    const path = tmp();
    const source = [
      ...messages(fleet, { seed: 9, count: 50, startMs: START }),
      { topic: 'raw/restamp', payload: Buffer.from('not json'), ts: START + 1 },
    ];
    await recordStream(source, path);
    const received = await listener('#');
    const before = received.length;
    const shift = Date.now() - START;
    const result = await replayRecording(path, await gateway('replay-restamp'), { speed: 0, restamp: (ts) => ts + shift });
    expect(result.acked).toBe(51);
    await until(() => received.length - before === 51);
    const got = received.slice(before);
    got.slice(0, 50).forEach((m, i) => {
      const original = JSON.parse(source[i]!.payload.toString()) as Record<string, unknown>;
      const body = JSON.parse(m.payload.toString()) as Record<string, unknown>;
      expect(body.ts).toBe((original.ts as number) + shift);
      expect({ ...body, ts: original.ts }).toEqual(original);
      expect(Object.keys(body)).toEqual(Object.keys(original));
    });
    expect(got[50]!.payload.toString()).toBe('not json');
  });

  it('publishes what precedes a bad line, then rejects with the line', async () => {
    const good = `{"t":null,"topic":"bad/line","payload_b64":"${Buffer.from('ok').toString('base64')}","qos":1}`;
    const path = await rawRecording([good, good, '{"t":null}']);
    const received = await listener('bad/line');
    await expect(replayRecording(path, await gateway('replay-bad'), { speed: 0 })).rejects.toThrow(/line 4, field "topic"/);
    await until(() => received.length === 2);
  });

  it('rejects a bad speed', async () => {
    await expect(replayRecording(tmp(), await gateway('replay-speed'), { speed: -1 })).rejects.toThrow(RangeError);
  });
});
