import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deviceTopic, parseDeviceTopic } from './topics';

describe('device topics', () => {
  it('builds and parses hv/v1/{tenant}/{domain}/{device}/{channel}', () => {
    const topic = deviceTopic('02408', 'lighting', '02408-lc-00012', 'telemetry');
    expect(topic).toBe('hv/v1/02408/lighting/02408-lc-00012/telemetry');
    expect(parseDeviceTopic(topic)).toEqual({
      ok: true,
      topic: { tenant: '02408', domain: 'lighting', device: '02408-lc-00012', channel: 'telemetry' },
    });
  });

  it.each([
    ['hv/v1/02408/lighting/02408-lc-00012', 'topic is not'],
    ['hv/v2/02408/lighting/x/telemetry', 'topic is not'],
    ['hv/v1/Laon/lighting/x/telemetry', 'invalid tenant'],
    ['hv/v1/02408/waste/x/telemetry', 'unknown domain'],
    ['hv/v1/02408/lighting/Lamp A/telemetry', 'invalid device id'],
    ['hv/v1/02408/lighting/a,b=c/telemetry', 'invalid device id'],
    ['hv/v1/02408/lighting/x/metrics', 'unknown channel'],
  ])('refuses %s', (topic, error) => {
    const parsed = parseDeviceTopic(topic);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(error);
  });

  it('refuses to build a topic from an id that would inject a level', () => {
    expect(() => deviceTopic('02408', 'lighting', 'a/b', 'cmd')).toThrow(/invalid device id/);
    expect(() => deviceTopic('02408/+', 'lighting', 'a', 'cmd')).toThrow(/invalid tenant/);
  });

  it('never throws and only accepts well-formed topics, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (topic) => {
        const parsed = parseDeviceTopic(topic);
        if (parsed.ok) expect(deviceTopic(parsed.topic.tenant, parsed.topic.domain, parsed.topic.device, parsed.topic.channel)).toBe(topic);
      }),
      { numRuns: 5_000 },
    );
  });
});
