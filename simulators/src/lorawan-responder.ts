import { parseLorawanDownlink, type LorawanDownlinkTarget } from '@hv/contracts';
import { CommandResponderBase, type CommandConnection, type CommandResponderOptions, type ReceivedCommand } from './command-responder';
import type { DeviceSim, SimMessage } from './device-sim';
import { lorawanUplink, type LorawanMessage } from './lorawan';

export interface LorawanResponderOptions extends CommandResponderOptions {
  /** Called with every ack uplink published (after onAck, which gets the native ack). */
  onUplink?(uplink: LorawanMessage): void;
}

/** The simulated device a downlink is for: by devEui (ChirpStack) or device id (TTS). */
export type LorawanDeviceLookup = (target: LorawanDownlinkTarget) => DeviceSim | undefined;

/** What attach() needs of a connection (kept under this name for the LoRaWAN side). */
export type DownlinkConnection = CommandConnection;

/**
 * Looks LoRaWAN sims up the way the network servers name them: ChirpStack by devEui,
 * The Things Stack by device id (the simulated uplinks use the registry id as TTS id).
 */
export function lorawanLookup(sims: Iterable<DeviceSim>): LorawanDeviceLookup {
  const byEui = new Map<string, DeviceSim>();
  const byId = new Map<string, DeviceSim>();
  for (const sim of sims) {
    if (!sim.device.devEui) continue;
    byEui.set(sim.device.devEui, sim);
    byId.set(sim.device.id, sim);
  }
  return (t) => (t.format === 'chirpstack' ? byEui.get(t.devEui) : byId.get(t.deviceId));
}

/**
 * CommandResponder for LoRaWAN devices behind a network server's MQTT integration: every
 * downlink on `application/+/device/+/command/down` (ChirpStack v4) or
 * `v3/+/devices/+/down/push` (The Things Stack v3) reaching an attached connection is
 * decoded (fPort 10, JSON codec), applied after the device's delay to its model, and
 * answered on the same connection with an fPort-11 uplink in the same format, on the
 * same application. A Class A device only hears a downlink in the receive windows after
 * one of its own uplinks: `ackDelayMs` stands for that wait too.
 */
export class LorawanCommandResponder extends CommandResponderBase {
  constructor(
    private readonly lookup: LorawanDeviceLookup,
    protected override readonly options: LorawanResponderOptions = {},
  ) {
    super(options);
  }

  protected receive(topic: string, payload: Buffer): ReceivedCommand | null | undefined {
    if (!topic.endsWith('/command/down') && !topic.endsWith('/down/push')) return undefined;
    const parsed = parseLorawanDownlink(topic, payload);
    const sim = parsed.ok ? this.lookup(parsed.route) : undefined;
    if (!parsed.ok || !sim || !sim.device.devEui) return null;
    const { route, command } = parsed;
    const id = (command as { cmd_id?: unknown } | null)?.cmd_id;
    return {
      sim,
      command: JSON.stringify(command),
      cmdId: typeof id === 'string' && id.length <= 64 ? id : undefined,
      reply: (ack) =>
        route.format === 'chirpstack'
          ? lorawanUplink(ack, 'chirpstack', { applicationId: route.applicationId })
          : lorawanUplink(ack, 'tts', { applicationId: route.applicationId, tenantId: route.tenantId }),
    };
  }

  protected override answered(_ack: SimMessage, out: { topic: string; payload: Buffer; qos: 0 | 1 }): void {
    this.options.onUplink?.(out as LorawanMessage);
  }
}
