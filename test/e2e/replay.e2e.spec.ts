/**
 * Replay in CI: a recorded run, replayed into the real stack, stores exactly the recorded
 * number of points (and the recording's hash is the stream's).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { influxCount } from '@hv/devkit';
import { connectGateway, lightingFleet, messages, recordStream, replayRecording, streamHash } from '@hv/simulators';
import { preparePlatform, type TestPlatform } from '../support/platform';
import { waitFor } from '../support/wait';

const SEED = 'e2e-replay';
const COUNT = 3_000;
const fleet = lightingFleet({ seed: SEED, tenant: '02691', controllers: 60, cabinets: 2 });

describe('record and replay into the stack', () => {
  let tp: TestPlatform;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hv-replay-'));
    tp = await preparePlatform('e2e_replay', fleet.devices, SEED);
    await tp.start();
  });
  afterAll(async () => {
    await tp?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores exactly the recorded number of points', async () => {
    const options = { seed: SEED, count: COUNT, startMs: Date.now() - 3_600_000, stepMs: 500, channels: ['telemetry', 'event'] as const };
    const path = join(dir, 'run.jsonl.gz');
    const recorded = await recordStream(messages(fleet, options), path);
    expect(recorded.messages).toBe(COUNT);
    expect(recorded.sha256).toBe(streamHash(messages(fleet, options)));

    const g = tp.gateways[0]!;
    const client = await connectGateway(tp.platform!.brokerUrl, g.username, g.password, { clientId: 'e2e-replayer' });
    const result = await replayRecording(path, client, { speed: 0, window: 500 });
    await client.endAsync();
    expect(result.acked).toBe(COUNT);

    const count = () => Promise.all(['lighting_controller', 'lighting_cabinet', 'device_event'].map((m) => influxCount(tp.influx.url, tp.influx.db, m))).then((c) => c.reduce((a, b) => a + b, 0));
    expect(await waitFor(count, (n) => n >= COUNT, 60_000)).toBe(COUNT);
  });
});
