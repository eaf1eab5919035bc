import { isDeviceId, isDomain, UPLINK_CHANNELS, DEV_EUI_PATTERN, TOPIC_ROOT } from '@hv/contracts';
import type { BrokerAuthority, Identity } from './identity';

/** `devEui`: the one a The Things Stack uplink's body names (its topic names the network server's device). */
export type AclDecision = { allow: true; devEui?: string } | { allow: false; why: string };

const allow: AclDecision = { allow: true };
const deny = (why: string): AclDecision => ({ allow: false, why });
const UPLINKS: readonly string[] = UPLINK_CHANNELS;

/**
 * May this identity publish on this topic? Devices: only their own uplink topics.
 * Gateways: uplinks of devices of their own tenant under each device's own domain (native), or their network server's
 * uplink topics for devEuis of their tenant (ChirpStack v4 / The Things Stack v3).
 */
export async function mayPublish(who: Identity, topic: string, registry: BrokerAuthority, payload: Buffer = Buffer.alloc(0)): Promise<AclDecision> {
  if (who.kind === 'service') return allow;
  const parts = topic.split('/');
  if (who.kind === 'device') {
    const own = `${TOPIC_ROOT}/${who.tenant}/${who.domain}/${who.id}/`;
    if (!topic.startsWith(own) || !UPLINKS.includes(topic.slice(own.length))) {
      return deny(`device ${who.id} may publish only on ${own}{${UPLINKS.join('|')}}`);
    }
    return allow;
  }
  if (who.network === 'native') {
    // hv/v1/{tenant}/{domain}/{device}/{channel}
    if (parts.length !== 6 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT || parts[2] !== who.tenant || !UPLINKS.includes(parts[5]!)) {
      return deny(`gateway ${who.id} may publish only uplinks under ${TOPIC_ROOT}/${who.tenant}/`);
    }
    const [, , , domain, device] = parts as [string, string, string, string, string, string];
    if (!isDomain(domain)) return deny(`"${domain.slice(0, 32)}" is not a domain`);
    const home = isDeviceId(device) ? await registry.deviceHome(device) : undefined;
    if (home?.tenant !== who.tenant) return deny(`device ${device.slice(0, 64)} is not a device of tenant ${who.tenant}`);
    // The registry knows the device's domain: ingest would refuse any other one later.
    if (home.domain !== domain) return deny(`device ${device} publishes under ${home.domain}, not ${domain}`);
    return allow;
  }
  // application/{app}/device/{devEui}/event/up  |  v3/{app}@{tenant}/devices/{device}/up
  const devEui = who.network === 'chirpstack' && parts.length === 6 && parts[0] === 'application' && parts[2] === 'device' && parts[4] === 'event' && parts[5] === 'up'
    ? parts[3]!.toLowerCase()
    : undefined;
  if (who.network === 'chirpstack') {
    if (!devEui || !DEV_EUI_PATTERN.test(devEui)) return deny(`gateway ${who.id} may publish only ChirpStack uplinks`);
    if ((await registry.devEuiTenant(devEui)) !== who.tenant) return deny(`devEui ${devEui} is not a device of tenant ${who.tenant}`);
    return allow;
  }
  // The Things Stack topics name the network server's device id, not the devEui: the
  // devEui is in the body (end_device_ids.dev_eui), and it must be one of the bridge's
  // tenant, or a bridge of one commune could write into another's data.
  if (parts.length !== 5 || parts[0] !== 'v3' || parts[2] !== 'devices' || parts[4] !== 'up') {
    return deny(`gateway ${who.id} may publish only The Things Stack uplinks`);
  }
  const ttsEui = ttsDevEui(payload);
  if (!ttsEui) return deny('The Things Stack uplink without end_device_ids.dev_eui');
  if ((await registry.devEuiTenant(ttsEui)) !== who.tenant) return deny(`devEui ${ttsEui} is not a device of tenant ${who.tenant}`);
  return { allow: true, devEui: ttsEui };
}

/** The devEui of a The Things Stack uplink body, lower-cased, or undefined. */
function ttsDevEui(payload: Buffer): string | undefined {
  try {
    const body = JSON.parse(payload.toString('utf8')) as { end_device_ids?: { dev_eui?: unknown } };
    const eui = body?.end_device_ids?.dev_eui;
    return typeof eui === 'string' && DEV_EUI_PATTERN.test(eui.toLowerCase()) ? eui.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** May this identity subscribe to this filter? Devices: their own cmd topic only. */
export function maySubscribe(who: Identity, filter: string): AclDecision {
  if (who.kind === 'service') return allow;
  if (who.kind === 'device') {
    const own = `${TOPIC_ROOT}/${who.tenant}/${who.domain}/${who.id}/cmd`;
    return filter === own ? allow : deny(`device ${who.id} may subscribe only to ${own}`);
  }
  if (who.network === 'native') {
    const own = `${TOPIC_ROOT}/${who.tenant}/+/+/cmd`;
    if (filter === own) return allow;
    const parts = filter.split('/');
    const exact = parts.length === 6 && `${parts[0]}/${parts[1]}` === TOPIC_ROOT && parts[2] === who.tenant && parts[5] === 'cmd' && !filter.includes('+') && !filter.includes('#');
    return exact ? allow : deny(`gateway ${who.id} may subscribe only to ${own}`);
  }
  if (who.network === 'chirpstack') {
    return filter === 'application/+/device/+/command/down' ? allow : deny('ChirpStack bridges read application/+/device/+/command/down');
  }
  return /^v3\/[^/#+]+\/devices\/\+\/down\/push$/.test(filter) ? allow : deny('TTS bridges read v3/{app}/devices/+/down/push');
}
