/**
 * The device side of `npm run bench -- telegestion`, in its own process so that it does
 * not share telegestion's event loop: a simulated lighting fleet behind one connection
 * that answers every command (after 300 ms, as a field controller does) and publishes
 * background telemetry at a steady rate. Prints `agent up`, then a stats line a second.
 * Environment: AGENT_URL, AGENT_SEED, AGENT_TENANTS (comma list), AGENT_CONTROLLERS (per
 * tenant), AGENT_RATE (msg/s, 0: none).
 */
import mqtt from 'mqtt';
import { CommandResponder, FleetPublisher, FleetStream, lightingFleet, type Fleet } from '@hv/simulators';

export function benchFleets(seed: string, tenants: string[], controllers: number): Fleet[] {
  return tenants.map((tenant, i) => lightingFleet({ seed: `${seed}-${i}`, tenant, controllers, cabinets: Math.ceil(controllers / 40) }));
}

async function main(): Promise<void> {
  const env = process.env;
  const fleets = benchFleets(env.AGENT_SEED!, env.AGENT_TENANTS!.split(','), Number(env.AGENT_CONTROLLERS));
  const fleet: Fleet = { seed: env.AGENT_SEED!, devices: fleets.flatMap((f) => f.devices) };
  const rate = Number(env.AGENT_RATE ?? 0);
  const stream = new FleetStream(fleet, { seed: env.AGENT_SEED!, startMs: Date.now(), stepMs: rate > 0 ? 1000 / rate : 1000, channels: ['telemetry'] });
  const client = await mqtt.connectAsync(env.AGENT_URL!, { clientId: `bench-agent-${process.pid}`, protocolVersion: 4, clean: true });
  const responder = new CommandResponder((id) => stream.sim(id), { ackDelayMs: 300, speed: 1 });
  responder.attach(client);
  await client.subscribeAsync('hv/v1/+/lighting/+/cmd', { qos: 1 });
  const publisher = new FleetPublisher(client);
  console.log(`agent up: ${fleet.devices.length} devices`);
  const stats = setInterval(() => console.log(`stats ${JSON.stringify({ published: publisher.stats.acked, ...responder.stats })}`), 1_000);
  const stop = async () => {
    clearInterval(stats);
    responder.stop();
    await client.endAsync();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  if (rate > 0) await publisher.publish(stream.messages(), { ratePerS: rate, window: 1_000, qos: 1 });
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  });
}
