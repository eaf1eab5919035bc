import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACK_SCHEMAS, CMD_SCHEMAS, DEVICE_TYPE_NAMES, DOMAINS, EVENT_SCHEMAS, statusSchema, TELEMETRY_SCHEMAS, isDeviceType, isDomain } from './index';
import type { z } from 'zod';

/** `<!-- example: {channel} {type|domain} -->` followed by a ```json block. */
function examples(): { channel: string; subject: string; body: unknown }[] {
  const doc = readFileSync(join(__dirname, '../../../docs/DEVICE-CONTRACT.md'), 'utf8');
  const found = [...doc.matchAll(/<!-- example: (\w+)(?: ([\w-]+))? -->\s*```json\n([\s\S]*?)```/g)];
  return found.map((m) => ({ channel: m[1]!, subject: m[2] ?? '', body: JSON.parse(m[3]!) }));
}

function schemaFor(channel: string, subject: string): z.ZodType {
  switch (channel) {
    case 'telemetry':
      if (!isDeviceType(subject)) throw new Error(`unknown device type ${subject}`);
      return TELEMETRY_SCHEMAS[subject];
    case 'status':
      return statusSchema;
  }
  if (!isDomain(subject)) throw new Error(`unknown domain ${subject}`);
  if (channel === 'event') return EVENT_SCHEMAS[subject];
  if (channel === 'cmd') return CMD_SCHEMAS[subject];
  if (channel === 'ack') return ACK_SCHEMAS[subject];
  throw new Error(`unknown channel ${channel}`);
}

describe('docs/DEVICE-CONTRACT.md', () => {
  const all = examples();

  it.each(all.map((e) => [`${e.channel} ${e.subject}`, e] as const))('example "%s" satisfies its schema', (_name, e) => {
    const result = schemaFor(e.channel, e.subject).safeParse(e.body);
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it('has a telemetry example for every device type', () => {
    const covered = all.filter((e) => e.channel === 'telemetry').map((e) => e.subject);
    expect(covered.sort()).toEqual([...DEVICE_TYPE_NAMES].sort());
  });

  it('has an event example for every domain, a status example, and cmd and ack examples', () => {
    expect(all.filter((e) => e.channel === 'event').map((e) => e.subject).sort()).toEqual([...DOMAINS].sort());
    expect(all.some((e) => e.channel === 'status')).toBe(true);
    expect(all.filter((e) => e.channel === 'cmd').length).toBeGreaterThanOrEqual(2);
    expect(all.filter((e) => e.channel === 'ack').length).toBeGreaterThanOrEqual(2);
  });
});
