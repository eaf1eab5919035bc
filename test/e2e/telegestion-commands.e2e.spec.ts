/**
 * Commands through the real stack: a group dim reaches every simulated luminaire, each
 * answers with its new state and reports it; the devices that missed the first delivery
 * get it again. A LoRaWAN sensor gets its command as a ChirpStack downlink and answers
 * with an fPort-11 uplink.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { CHIRPSTACK_DOWNLINK_FILTER } from '@hv/contracts';
import { influxQuery } from '@hv/devkit';
import { connectGateway, DeviceSim, lightingFleet, LorawanCommandResponder, lorawanLookup, lorawanUplink, mixedFleet, parseScenario, runScenario, type ScenarioResult } from '@hv/simulators';
import { TelegestionService, type CommandRecord } from '@hv/telegestion';
import { connect, preparePlatform, SERVICE_ACCOUNT, type TestPlatform, sunsetDaysAgo } from '../support/platform';
import { waitFor } from '../support/wait';

const SEED = 'e2e-telegestion-commands';
const lighting = lightingFleet({ seed: SEED, tenant: '02408', controllers: 240 });
const sensors = mixedFleet({ seed: SEED, tenants: [{ tenant: '02691' }], perTenant: { 'co2-sensor': 1 } as never, lorawan: ['co2-sensor'] });
const controllers = lighting.devices.filter((d) => d.type === 'lighting-controller');
const sensor = sensors.devices[0]!;

/** Sunset yesterday: lit, before any commune dims (earliest at 22:00). */
const start = sunsetDaysAgo(1);

describe('telegestion commands against the real stack', () => {
  let tp: TestPlatform;
  let gateway: MqttClient;
  let telegestion: TelegestionService;

  beforeAll(async () => {
    tp = await preparePlatform('e2e_tg_commands', [...lighting.devices, ...sensors.devices], SEED, {
      HV_TELEGESTION_CLOCK: 'stream',
      HV_TELEGESTION_TICK_MS: '500',
      HV_COMMAND_ACK_TIMEOUT_S: '2',
      HV_COMMAND_RETRY_BASE_S: '1',
    });
    const { app, brokerUrl } = await tp.start();
    telegestion = app.get(TelegestionService);
    const gw = tp.gateways.find((g) => g.tenant === '02408')!;
    gateway = await connectGateway(brokerUrl, gw.username, gw.password);
    await gateway.subscribeAsync('hv/v1/02408/+/+/cmd', { qos: 1 });
  });
  afterAll(async () => {
    await gateway?.endAsync();
    await tp?.stop();
  });

  describe('a group dim to 30 %', () => {
    let result: ScenarioResult;
    let commands: CommandRecord[];
    let sentAt: number;

    beforeAll(async () => {
      await telegestion.programs.saveGroup('02408', 'rue-royale', 'Rue Royale', controllers.map((d) => d.id));
      const scenario = parseScenario({
        name: 'group dim',
        fleet: { kind: 'demo' },
        start: new Date(start).toISOString(),
        duration_s: 2 * 3600,
        speed: 360,
        step_ms: 2_000,
        seed: SEED,
        channels: ['telemetry'],
        commands: { ack_delay_ms: 500, miss_share: 0.2 },
      });
      const run = runScenario(scenario, { transport: { kind: 'gateway', client: gateway }, fleet: lighting });
      await new Promise((r) => setTimeout(r, 3_000)); // the fleet is up and reporting
      sentAt = Date.now();
      const { batchId } = await telegestion.sendCommand({
        domain: 'lighting',
        target: { group: 'rue-royale', tenant: '02408' },
        body: { level_pct: 30, reason: 'override' },
        expiresAt: Date.now() + 3 * 3_600_000,
        createdBy: 'e2e',
      });
      commands = await waitFor(() => telegestion.commandStore.byBatch(batchId), (cs) => cs.every((c) => c.status === 'acknowledged'), 15_000);
      result = await run;
    });

    it('is acknowledged by every luminaire of the group, with the level it now holds', () => {
      expect(commands).toHaveLength(controllers.length);
      expect(commands.filter((c) => c.status !== 'acknowledged').map((c) => `${c.device} ${c.status} ${c.error}`)).toEqual([]);
      for (const c of commands) expect(c.reported).toMatchObject({ on: true, level_pct: 30 });
    });

    it('sends it again to the luminaires that missed it, and only to them', () => {
      const missed = result.commands.missed;
      expect(missed).toBeGreaterThan(controllers.length * 0.1);
      expect(commands.filter((c) => c.attempts === 2)).toHaveLength(missed);
      expect(commands.filter((c) => c.attempts === 1)).toHaveLength(controllers.length - missed);
      // The ones sent again were acknowledged after their ack timeout.
      for (const c of commands.filter((x) => x.attempts === 2)) expect(c.ackedAt! - sentAt).toBeGreaterThanOrEqual(2_000);
    });

    it('converges: every luminaire then reports 30 %', async () => {
      const levels = await waitFor(
        async () => {
          const json = await influxQuery(tp.influx.url, `SELECT last("level_pct") FROM "lighting_controller" GROUP BY "device"`, tp.influx.db);
          return new Map((json.results?.[0]?.series ?? []).map((s) => [s.tags!.device!, s.values![0]![1] as number]));
        },
        (m) => controllers.every((d) => m.get(d.id) === 30),
        15_000,
      );
      expect(controllers.filter((d) => levels.get(d.id) !== 30).map((d) => `${d.id}: ${levels.get(d.id)}`)).toEqual([]);
    });

    it('records each command event in InfluxDB', async () => {
      const acked = await waitFor(
        async () => (await influxQuery(tp.influx.url, `SELECT count("cmd_id") FROM "command_event" WHERE "event" = 'acknowledged'`, tp.influx.db)).results?.[0]?.series?.[0]?.values?.[0]?.[1] as number | undefined,
        (n) => n === controllers.length,
        10_000,
      );
      expect(acked).toBe(controllers.length);
    });
  });

  it('a LoRaWAN sensor gets its command as a ChirpStack downlink and answers on fPort 11', async () => {
    const ns = await connect(tp.platform!.brokerUrl, { ...SERVICE_ACCOUNT, clientId: 'e2e-chirpstack' });
    const sim = new DeviceSim(sensor, { seed: SEED });
    const responder = new LorawanCommandResponder(lorawanLookup([sim]), { ackDelayMs: 100 });
    try {
      responder.attach(ns);
      await ns.subscribeAsync(CHIRPSTACK_DOWNLINK_FILTER, { qos: 1 });
      // The network server forwards an uplink first: telegestion learns the way back.
      const up = lorawanUplink(sim.telemetry(Date.now() - 1_000), 'chirpstack');
      await ns.publishAsync(up.topic, up.payload, { qos: 1 });
      const { commands } = await telegestion.sendCommand({ domain: 'air', target: { devices: [sensor.id] }, body: { action: 'set_interval', interval_s: 300 }, createdBy: 'e2e' });
      const ended = await waitFor(() => telegestion.commandStore.get(commands[0]!.cmdId), (c) => c?.status === 'acknowledged', 15_000);
      expect(ended).toMatchObject({ status: 'acknowledged', attempts: 1, reported: { interval_s: 300 } });
      expect(responder.stats.answered).toBe(1);
    } finally {
      responder.stop();
      await ns.endAsync();
    }
  });
});

