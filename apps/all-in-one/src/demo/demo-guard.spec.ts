import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '@hv/config';
import { exposedListeners } from './demo-guard';

describe('the demo listens on loopback only', () => {
  it.each(['127.0.0.1', '127.0.0.2', '127.255.255.254', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST', 'localhost.'])(
    'accepts %s',
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );

  it.each(['0.0.0.0', '::', '[::]', '', '192.168.1.20', '10.0.0.1', '169.254.169.254', '::ffff:10.0.0.1', '128.0.0.1', 'demo.example.org', 'localhost.example.org', '127.1', '0x7f000001', '2002:7f00:1::1'])(
    'refuses %j',
    (host) => expect(isLoopbackHost(host)).toBe(false),
  );

  it('names each variable bound beyond loopback', () => {
    const problems = exposedListeners({ HV_BROKER_HOST: '0.0.0.0', HV_HTTP_HOST: '::' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^HV_BROKER_HOST="0\.0\.0\.0" is beyond loopback/);
    expect(problems[1]).toMatch(/^HV_HTTP_HOST="::" is beyond loopback/);
  });

  it('accepts the defaults (variables unset) and ignores HV_BROKER_HOST when an external broker is used', () => {
    expect(exposedListeners({})).toEqual([]);
    expect(exposedListeners({ HV_MQTT_URL: 'mqtt://broker.example.org:1883', HV_BROKER_HOST: '0.0.0.0' })).toEqual([]);
    expect(exposedListeners({ HV_MQTT_URL: 'mqtt://broker.example.org:1883', HV_HTTP_HOST: '0.0.0.0' })).toHaveLength(1);
  });
});
