/**
 * The simulator CLI as users run it (`npm run sim -- …`, the built dist): a scenario file
 * generated offline twice gives the same stream hash and another seed another; played
 * against the real Mosquitto and recorded, it publishes exactly that stream; the
 * recording replays; a bad scenario file is refused naming its bad fields.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectGateway, parseScenario, scenarioFleet, scenarioStream, streamHash } from '@hv/simulators';
import { repoRoot, testServiceEnv } from '../support/services';

const CLI = join(repoRoot(), 'dist', 'simulators', 'src', 'cli.js');

const scenario = {
  name: 'cli e2e',
  fleet: { kind: 'demo', seed: 'cli-e2e' },
  start: '2026-10-25T01:00:00+02:00', // the autumn DST night
  duration_s: 3_600,
  speed: 0,
  step_ms: 2_000,
  seed: 'cli-e2e',
  channels: ['telemetry', 'event', 'status'],
  faults: [{ type: 'lamp_failure', at_s: 600, until_s: 1_800, share: 0.1 }],
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function sim(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lastJson = (run: Run) => JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

describe('npm run sim (the CLI)', () => {
  let dir: string;
  const file = (name: string) => join(dir, name);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hv-sim-cli-'));
    await writeFile(file('night.json'), JSON.stringify(scenario));
    await writeFile(file('other-seed.json'), JSON.stringify({ ...scenario, seed: 'another' }));
    await writeFile(file('bad.json'), JSON.stringify({ ...scenario, duration_s: -5, faults: [{ type: 'lamp_failure', at_s: 10, share: 3 }] }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('generates a scenario offline deterministically: same seed same hash, another seed another', async () => {
    const [a, b, c] = await Promise.all([sim(['--scenario', file('night.json'), '--offline']), sim(['--scenario', file('night.json'), '--offline']), sim(['--scenario', file('other-seed.json'), '--offline'])]);
    for (const run of [a, b, c]) expect(run.code, run.stderr).toBe(0);
    const parsed = parseScenario(scenario);
    const expected = streamHash(scenarioStream(parsed, scenarioFleet(parsed)).messages());
    expect(lastJson(a).sha256).toBe(expected);
    expect(lastJson(b).sha256).toBe(expected);
    expect(lastJson(c).sha256).not.toBe(expected);
    expect(lastJson(a).messages).toBeGreaterThan(1_700);
  });

  it('plays the scenario against Mosquitto, records exactly the offline stream, and replays the recording', async () => {
    const url = testServiceEnv().mosquittoUrl;
    const received: string[] = [];
    const listener = await connectGateway(url, '', '', { clientId: 'sim-cli-listener' });
    try {
      listener.on('message', (topic) => received.push(topic));
      await listener.subscribeAsync('hv/v1/02408/#', { qos: 1 });

      const recording = file('night.jsonl.gz');
      const run = await sim(['--scenario', file('night.json'), '--url', url, '--record', recording, '--speed', '0']);
      expect(run.code, run.stderr).toBe(0);
      const offline = lastJson(await sim(['--scenario', file('night.json'), '--offline']));
      const result = lastJson(run);
      expect(result).toMatchObject({ published: offline.messages, acked: offline.messages, failed: 0, interrupted: false });
      expect((result.recording as { sha256: string }).sha256).toBe(offline.sha256);
      expect(run.stderr).toContain('scenario "cli e2e" done');
      expect(run.stderr).toContain('faults      1 injected on 12 devices');
      await expect.poll(() => received.length, { timeout: 10_000 }).toBe(offline.messages);

      received.length = 0;
      const replay = await sim(['--replay', recording, '--url', url, '--speed', '0']);
      expect(replay.code, replay.stderr).toBe(0);
      expect(lastJson(replay)).toMatchObject({ published: offline.messages, acked: offline.messages, failed: 0 });
      await expect.poll(() => received.length, { timeout: 10_000 }).toBe(offline.messages);
    } finally {
      await listener.endAsync();
    }
  });

  it('refuses a bad scenario file, naming every bad field', async () => {
    const run = await sim(['--scenario', file('bad.json'), '--offline']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`invalid scenario ${file('bad.json')}`);
    expect(run.stderr).toContain('duration_s:');
    expect(run.stderr).toContain('faults[0].share:');
    expect(run.stdout).toBe('');
  });
});
