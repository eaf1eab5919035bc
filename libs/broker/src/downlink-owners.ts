import { DEV_EUI_PATTERN } from '@hv/contracts';

/**
 * Which tenant each LoRaWAN downlink topic belongs to, so that a network-server bridge is
 * forwarded only its own tenant's downlinks. A bridge must subscribe with wildcards
 * (ChirpStack v4 reads `application/+/device/+/command/down`; a The Things Stack
 * application id is no secret), so the subscription cannot tell whose downlinks it will
 * get: the broker decides per message, in aedes' synchronous `authorizeForward`, from
 * what it learnt before:
 * - a ChirpStack downlink names its devEui: the registry's tenant of that devEui, read
 *   (asynchronously) while the service's publish is authorised, just before the forward;
 * - a The Things Stack downlink names the network server's device id only: the tenant of
 *   the bridge whose uplink on the same application and device the ACL accepted (its
 *   body's devEui is one of that tenant's). A downlink for a device no uplink showed is
 *   forwarded to nobody.
 * What is not known is refused (counted as `forward`): a lost downlink is retried by
 * telegestion (ack timeout), a leaked one cannot be taken back.
 */
export class DownlinkOwners {
  private readonly owners = new Map<string, { tenant: string; devEui: string }>();
  /** devEui → its downlink topics, to forget a device's without a scan. */
  private readonly topicsOf = new Map<string, Set<string>>();

  constructor(private readonly maxEntries = 200_000) {}

  set(topic: string, tenant: string, devEui: string): void {
    this.owners.delete(topic);
    this.owners.set(topic, { tenant, devEui });
    let topics = this.topicsOf.get(devEui);
    if (!topics) this.topicsOf.set(devEui, (topics = new Set()));
    topics.add(topic);
    if (this.owners.size > this.maxEntries) this.drop(this.owners.keys().next().value!);
  }

  ownerOf(topic: string): string | undefined {
    return this.owners.get(topic)?.tenant;
  }

  /** A credential event (retirement, move, new devEui): its devices' downlinks are learnt again. */
  forgetDevEuis(devEuis: readonly string[]): void {
    for (const eui of devEuis) for (const topic of this.topicsOf.get(eui.toLowerCase()) ?? []) this.drop(topic);
  }

  clear(): void {
    this.owners.clear();
    this.topicsOf.clear();
  }

  private drop(topic: string): void {
    const entry = this.owners.get(topic);
    if (!entry) return;
    this.owners.delete(topic);
    const topics = this.topicsOf.get(entry.devEui);
    topics?.delete(topic);
    if (topics?.size === 0) this.topicsOf.delete(entry.devEui);
  }
}

export type Downlink = { network: 'chirpstack'; devEui: string } | { network: 'tts' };

/**
 * The network server a topic is a downlink for: ChirpStack v4
 * `application/{app}/device/{devEui}/command/down`, The Things Stack v3
 * `v3/{app}@{tenant}/devices/{device}/down/push`; undefined for any other topic.
 */
export function downlinkOf(topic: string): Downlink | undefined {
  const p = topic.split('/');
  if (p.length !== 6) return undefined;
  if (p[0] === 'application' && p[2] === 'device' && p[4] === 'command' && p[5] === 'down') {
    const devEui = p[3]!.toLowerCase();
    return DEV_EUI_PATTERN.test(devEui) ? { network: 'chirpstack', devEui } : undefined;
  }
  return p[0] === 'v3' && p[2] === 'devices' && p[4] === 'down' && p[5] === 'push' ? { network: 'tts' } : undefined;
}

/** The downlink topic of a The Things Stack uplink topic (`v3/{app}/devices/{device}/up`). */
export function ttsDownlinkTopic(uplinkTopic: string): string | undefined {
  const p = uplinkTopic.split('/');
  return p.length === 5 && p[0] === 'v3' && p[2] === 'devices' && p[4] === 'up' ? `v3/${p[1]}/devices/${p[3]}/down/push` : undefined;
}
