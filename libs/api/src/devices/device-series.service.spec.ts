import { describe, expect, it } from 'vitest';
import type { Device } from '@hv/state';
import type { InfluxRepository } from '@hv/timeseries';
import { bucketFor, DeviceSeriesService, MAX_POINTS } from './device-series.service';

const DAY = 86_400_000;

describe('bucketFor', () => {
  it('serves raw points while a 10-minute luminaire has at most MAX_POINTS in the range (≈ 6.9 days)', () => {
    expect(MAX_POINTS).toBe(1_000);
    expect(bucketFor('lighting-controller', 0, DAY)).toBeNull();
    expect(bucketFor('lighting-controller', 0, 6 * DAY)).toBeNull();
  });

  it('averages longer ranges in the smallest bucket that keeps at most MAX_POINTS', () => {
    expect(bucketFor('lighting-controller', 0, 8 * DAY)).toBe('15m'); // 768 buckets
    expect(bucketFor('lighting-controller', 0, 30 * DAY)).toBe('1h'); // 720
    expect(bucketFor('lighting-controller', 0, 366 * DAY)).toBe('1d'); // 366
  });

  it('follows the device type\'s rate: a 5-minute boiler room is averaged sooner', () => {
    expect(bucketFor('boiler-room', 0, 4 * DAY)).toBe('15m');
    expect(bucketFor('parking-spot', 0, 30 * DAY)).toBeNull(); // hourly heartbeat: 720 points
  });
});

describe('DeviceSeriesService.history', () => {
  it('names each bucket\'s means after their fields and gives the bucket\'s start as an ISO instant', async () => {
    const columns = ['time', 'mean_level_pct', 'mean_power_w'];
    const rows = [{ time: 0, mean_level_pct: 50, mean_power_w: 20.5 }, { time: 3_600_000, mean_level_pct: 100, mean_power_w: null }];
    const influx = { query: async () => ({ series: [{ name: 'lighting_controller', tags: {}, columns, rows }] }) } as unknown as InfluxRepository;
    const device = { id: 'lamp-1', type: 'lighting-controller' } as Device;
    const history = await new DeviceSeriesService(influx).history(device, 0, 30 * DAY);
    expect(history).toEqual({
      every: '1h',
      truncated: false,
      points: [
        { time: '1970-01-01T00:00:00.000Z', level_pct: 50, power_w: 20.5 },
        { time: '1970-01-01T01:00:00.000Z', level_pct: 100, power_w: null },
      ],
    });
  });
});
