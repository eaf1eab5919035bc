/**
 * `npm run bench -- sim`: the whole "aisne" reference fleet, generated and published in
 * gateway mode from this one process, accelerated (simulated time runs far ahead of the
 * wall clock), to a real Mosquitto at QoS 1 (`--qos 0` as The Things Stack publishes). The baseline measured in the same run is the
 * generator alone (no MQTT): the ratio says what publishing costs.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import type { MqttClient } from 'mqtt';
import { ensureServices, stopServices } from '@hv/devkit';
import { aisneFleet, connectGateway, FleetPublisher, messages, type SimMessage } from '@hv/simulators';
import { BENCH_ENV } from './bench-env';

const SEED = 'bench-sim';
const ENV = BENCH_ENV;
const log = (s: string) => console.log(`[bench sim] ${s}`);

export async function benchSim(argv: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args: argv,
    options: {
      messages: { type: 'string', default: '400000' },
      connections: { type: 'string', default: '4' },
      'step-ms': { type: 'string', default: '10' },
      qos: { type: 'string', default: '1' },
      window: { type: 'string', default: '1000' },
    },
  });
  const count = Number(values.messages);
  const connections = Number(values.connections);
  const stepMs = Number(values['step-ms']);
  const qos = Number(values.qos) === 0 ? 0 : 1;
  const window = Number(values.window);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

  const t0 = Date.now();
  const fleet = aisneFleet({ seed: SEED });
  const buildMs = Date.now() - t0;
  const byType: Record<string, number> = {};
  for (const d of fleet.devices) byType[d.type] = (byType[d.type] ?? 0) + 1;
  log(`aisne fleet: ${fleet.devices.length} devices in ${buildMs} ms ${JSON.stringify(byType)}`);
  const startMs = Date.now() - 30 * 86_400_000;
  const options = { seed: SEED, count, startMs, stepMs, channels: ['telemetry', 'event'] as const };

  // Baseline: the generator alone.
  const g0 = Date.now();
  let generated = 0;
  for (const m of messages(fleet, options)) generated += m.payload.length > 0 ? 1 : 0;
  const generatorPerS = (generated / (Date.now() - g0)) * 1000;
  log(`generator alone: ${generatorPerS.toFixed(0)} msg/s`);

  const started = await ensureServices(['mosquitto'], ENV);
  const clients: MqttClient[] = [];
  try {
    for (let i = 0; i < connections; i++) clients.push(await connectGateway(ENV.mosquittoUrl, '', '', { clientId: `bench-sim-gw-${i}` }));
    // One stream shared by the gateway connections: each pulls the next message when its window has room.
    const stream = messages(fleet, options)[Symbol.iterator]();
    const share = function* (): Generator<SimMessage> {
      for (let next = stream.next(); !next.done; next = stream.next()) yield next.value;
    };
    const p0 = Date.now();
    const results = await Promise.all(clients.map((c) => new FleetPublisher(c).publish(share(), { window, qos })));
    const elapsedMs = Date.now() - p0;
    const acked = results.reduce((a, r) => a + r.acked, 0);
    const perS = (acked / elapsedMs) * 1000;
    const simulatedMs = count * stepMs;
    log(`published ${acked} in ${elapsedMs} ms → ${perS.toFixed(0)} msg/s; ${(simulatedMs / 3_600_000).toFixed(1)} h of simulated time`);
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return {
      bench: 'sim',
      devices: fleet.devices.length,
      luminaires: byType['lighting-controller'] ?? 0,
      msgs_per_s: Math.round(perS),
      published: acked,
      baseline_msgs_per_s: Math.round(generatorPerS),
      ratio: Number((perS / generatorPerS).toFixed(3)),
      acceleration: Math.round(simulatedMs / elapsedMs),
      rss_mb: Math.round(peakRss / 1_048_576),
      fleet_build_ms: buildMs,
      connections,
      qos,
      window,
      broker: 'mosquitto',
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      target: { msgs_per_s: 20_000, rss_mb: 1_024 },
    };
  } finally {
    clearInterval(sampler);
    await Promise.all(clients.map((c) => c.endAsync()));
    await stopServices(started, ENV);
  }
}
