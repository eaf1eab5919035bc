import { describe, expect, it } from 'vitest';
import { pointOfReading, toPoint } from './point';
import type { DeviceInfo } from './registry';

const lamp: DeviceInfo = { id: 'lc-02408-1', tenant: '02408', type: 'lighting-controller', epci: '200043495', cabinet: 'lc-02408-c1', devEui: null };
const TS = Date.UTC(2026, 10, 23, 10, 0, 0);

describe('pointOfReading', () => {
  it.each([
    ['telemetry', { ts: TS, seq: 1, on: true, level_pct: 50, power_w: 27.6, energy_wh: 1832.5 }],
    ['event', { ts: TS, seq: 2, event: 'fault_raised', code: 'lamp_failure' }],
    ['ack', { ts: TS, seq: 3, cmd_id: 'c-1', status: 'ok', on: true, level_pct: 30 }],
  ] as const)('maps a %s reading onto the point toPoint makes of the same uplink', (channel, body) => {
    const tags = { tenant: lamp.tenant, device: lamp.id, type: lamp.type, epci: lamp.epci, cabinet: lamp.cabinet, geohash: 'u0f2' };
    expect(pointOfReading({ device: lamp, channel, body, ts: TS }, 'u0f2')).toEqual(toPoint(tags, channel, body, 0));
  });

  it('stamps a reading without ts (a last will) with the reading\'s time, tags type, domain and reason', () => {
    expect(pointOfReading({ device: { ...lamp, epci: null, cabinet: null }, channel: 'status', body: { online: false, reason: 'will' }, ts: TS })).toEqual({
      measurement: 'device_status',
      tags: { tenant: '02408', device: 'lc-02408-1', type: 'lighting-controller', domain: 'lighting', reason: 'will' },
      fields: { online: false },
      timestampMs: TS,
    });
  });
});
