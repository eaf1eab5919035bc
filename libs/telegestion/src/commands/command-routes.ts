import { deviceTopic, lorawanDownlink, type LorawanRoute } from '@hv/contracts';
import type { CommandRecord } from './command.model';

/** Nothing waiting: shared, as a route is learnt at every LoRaWAN uplink. */
const NONE: readonly CommandRecord[] = [];

export type CommandMessage = { topic: string; payload: Buffer; qos: 0 | 1 };

/**
 * Where each command goes and what it says: the native cmd topic, or the network server's
 * downlink for a LoRaWAN device, whose commands wait until an uplink tells its route.
 */
export class CommandRoutes {
  /** LoRaWAN devices whose route is not known yet, by device id: sent after their next uplink. */
  private readonly unrouted = new Map<string, CommandRecord[]>();
  private readonly routes = new Map<string, LorawanRoute>();
  /** Each distinct command body, serialised once (a group command's 50,000 records share one). */
  private readonly bodyJson = new WeakMap<Record<string, unknown>, string>();

  constructor(
    /** Devices that listen only through a network server (the registry knows their devEui). */
    private readonly isLorawan: (device: string) => boolean,
  ) {}

  /** A LoRaWAN device's route is known: its downlinks go back that way. Returns the commands that were waiting for it. */
  learn(device: string, route: LorawanRoute): readonly CommandRecord[] {
    this.routes.set(device, route);
    const waiting = this.unrouted.get(device);
    if (!waiting) return NONE;
    this.unrouted.delete(device);
    return waiting;
  }

  /** The message for a command; undefined when it is parked until the device's route is known. */
  message(c: CommandRecord, now: number): CommandMessage | undefined {
    const route = this.routes.get(c.device);
    if (route) return lorawanDownlink(route, { ...c.body, cmd_id: c.cmdId, ts: now });
    if (this.isLorawan(c.device)) {
      const list = this.unrouted.get(c.device) ?? [];
      list.push(c);
      this.unrouted.set(c.device, list);
      return undefined;
    }
    return { topic: deviceTopic(c.tenant, c.domain, c.device, 'cmd'), payload: Buffer.from(this.nativePayload(c, now)), qos: 1 };
  }

  /**
   * `{ cmd_id, ts, ...body }` as JSON, the body serialised once per batch rather than once per
   * send (a fan-out's hot path). The record's cmd_id and the send's ts win over a body's own.
   */
  private nativePayload(c: CommandRecord, now: number): string {
    let rest = this.bodyJson.get(c.body);
    if (rest === undefined) {
      const { cmd_id: _id, ts: _ts, ...fields } = c.body;
      rest = JSON.stringify(fields).slice(1, -1);
      this.bodyJson.set(c.body, rest);
    }
    return `{"cmd_id":${JSON.stringify(c.cmdId)},"ts":${now}${rest ? `,${rest}` : ''}}`;
  }
}
