import { isChannel, isDomain, type Channel, type Domain } from './domains';
import { DEVICE_ID_PATTERN, TENANT_ID_PATTERN } from './ids';

/** Root of every device topic: `hv/v1/{tenant}/{domain}/{device}/{channel}`. */
export const TOPIC_ROOT = 'hv/v1';
/** Where ingest publishes what it rejects: `hv/dlq/v1/{reason}`. */
export const DEAD_LETTER_ROOT = 'hv/dlq/v1';

/**
 * Where telegestion publishes what happens to alarms and commands, for other consumers
 * (notifier, a SCADA, a collectivité's own tools): `hv/events/v1/{tenant}/{alarm|command}`.
 */
export const EVENTS_ROOT = 'hv/events/v1';

export function platformEventTopic(tenant: string, kind: 'alarm' | 'command'): string {
  if (!TENANT_ID_PATTERN.test(tenant)) throw new Error(`invalid tenant id "${tenant}"`);
  return `${EVENTS_ROOT}/${tenant}/${kind}`;
}

export interface DeviceTopic {
  tenant: string;
  domain: Domain;
  device: string;
  channel: Channel;
}

export type TopicParseResult = { ok: true; topic: DeviceTopic } | { ok: false; error: string };

export function deviceTopic(tenant: string, domain: Domain, device: string, channel: Channel): string {
  if (!TENANT_ID_PATTERN.test(tenant)) throw new Error(`invalid tenant id "${tenant}"`);
  if (!DEVICE_ID_PATTERN.test(device)) throw new Error(`invalid device id "${device}"`);
  return `${TOPIC_ROOT}/${tenant}/${domain}/${device}/${channel}`;
}

/** Subscription filter for one channel of every device (optionally of one tenant). */
export function channelFilter(channel: Channel | '+', tenant = '+'): string {
  return `${TOPIC_ROOT}/${tenant}/+/+/${channel}`;
}

export function deadLetterTopic(reason: string): string {
  return `${DEAD_LETTER_ROOT}/${reason}`;
}

/** Parses a device topic. Hot path: one split, no regex on the happy path beyond the ids. */
export function parseDeviceTopic(topic: string): TopicParseResult {
  const parts = topic.split('/');
  if (parts.length !== 6 || parts[0] !== 'hv' || parts[1] !== 'v1') {
    return { ok: false, error: 'topic is not hv/v1/{tenant}/{domain}/{device}/{channel}' };
  }
  const [, , tenant, domain, device, channel] = parts as [string, string, string, string, string, string];
  if (!TENANT_ID_PATTERN.test(tenant)) return { ok: false, error: `invalid tenant "${clip(tenant)}"` };
  if (!isDomain(domain)) return { ok: false, error: `unknown domain "${clip(domain)}"` };
  if (!DEVICE_ID_PATTERN.test(device)) return { ok: false, error: `invalid device id "${clip(device)}"` };
  if (!isChannel(channel)) return { ok: false, error: `unknown channel "${clip(channel)}"` };
  return { ok: true, topic: { tenant, domain, device, channel } };
}

/** Keeps error messages short and printable whatever the input was. */
export function clip(s: string, max = 64): string {
  // eslint-disable-next-line no-control-regex
  const printable = s.replace(/[\u0000-\u001f\u007f]/g, '\uFFFD');
  return printable.length > max ? `${printable.slice(0, max)}…` : printable;
}
