import { describe, expect, it } from 'vitest';
import type { Device } from '@hv/state';
import { InfluxRejectedError, type InfluxRepository } from '@hv/timeseries';
import { bucketFor, DeviceSeriesService, LEDGER_TTL_MS, MAX_POINTS, MEAN_DECIMALS, meansOf } from './device-series.service';

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

const HOUR = 3_600_000;
const lamp = { id: 'lamp-1', type: 'lighting-controller' } as Device;
const at = (ms: number) => new Date(ms).toISOString();

interface Asked {
  q: string;
  params: Record<string, unknown> | undefined;
}

/** An InfluxRepository answering each `;`-separated statement with `answer(statement)`'s rows. */
function fakeInflux(answer: (statement: string) => { columns: string[]; rows: Array<Record<string, unknown>> } | Error | null, asked: Asked[] = []) {
  return {
    queryColumns: async (q: string, params?: Record<string, unknown>) => {
      asked.push({ q, params });
      return q.split('; ').map((statement) => {
        const a = answer(statement);
        if (a instanceof Error) throw a;
        return a ? [{ name: 'lighting_controller', tags: {}, columns: a.columns, values: a.rows.map((r) => a.columns.map((c) => r[c])) }] : [];
      });
    },
  } as unknown as InfluxRepository;
}

describe('DeviceSeriesService.history', () => {
  it('names each bucket\'s means after their fields and gives the bucket\'s start as an ISO instant', async () => {
    const columns = ['time', 'mean_level_pct', 'mean_power_w'];
    const rows = [{ time: 0, mean_level_pct: 50, mean_power_w: 20.5 }, { time: 3_600_000, mean_level_pct: 100, mean_power_w: null }];
    const influx = fakeInflux((s) => (s.includes('device_h1') ? null : { columns, rows }));
    const history = await new DeviceSeriesService(influx).history(lamp, 0, 30 * DAY);
    expect(history).toEqual({
      every: '1h',
      truncated: false,
      points: [
        { time: '1970-01-01T00:00:00.000Z', level_pct: 50, power_w: 20.5 },
        { time: '1970-01-01T01:00:00.000Z', level_pct: 100, power_w: null },
      ],
    });
  });

  it('reads the hours the ledger marks complete from the stored means, and the other stretches from the raw points, in one request', async () => {
    const columns = ['time', 'mean_level_pct'];
    const asked: Asked[] = [];
    const influx = fakeInflux((s) => {
      if (s.includes('device_rollup_hours')) return { columns: ['time', 'rolled_at_ms'], rows: [1, 2, 3].map((h) => ({ time: h * HOUR, rolled_at_ms: 5 * HOUR })) };
      // Hour 2 complete but the lamp was silent; hour 4 written by a run that has not marked it.
      if (s.includes('"device_h1"."lighting_controller"')) return { columns, rows: [1, 3, 4].map((h) => ({ time: h * HOUR, mean_level_pct: 10 * h })) };
      if (s.includes('$from0')) return { columns, rows: [{ time: 0, mean_level_pct: 1 }] };
      return { columns, rows: [4, 5].map((h) => ({ time: h * HOUR, mean_level_pct: 100 + h })) };
    }, asked);
    const { points } = await new DeviceSeriesService(influx).history(lamp, HOUR / 2, 5.5 * HOUR, '1h');
    expect(points).toEqual([
      { time: at(0), level_pct: 1 },
      { time: at(HOUR), level_pct: 10 },
      { time: at(3 * HOUR), level_pct: 30 },
      { time: at(4 * HOUR), level_pct: 104 },
      { time: at(5 * HOUR), level_pct: 105 },
    ]);
    expect(asked).toHaveLength(2);
    expect(asked[0]!.q).toContain('device_rollup_hours');
    // The stored means of the marked hours; the partial first hour; everything after the last marked hour.
    expect(asked[1]!.params).toEqual({ device: 'lamp-1', sfrom: at(HOUR), sto: at(4 * HOUR), from0: at(HOUR / 2), to0: at(HOUR), from1: at(4 * HOUR), to1: at(5.5 * HOUR) });
    expect(asked[1]!.q.split('; ')).toHaveLength(3);
  });

  it('reads the ledger once for the requests of a minute', async () => {
    const asked: Asked[] = [];
    const influx = fakeInflux((s) => (s.includes('device_rollup_hours') ? { columns: ['time', 'rolled_at_ms'], rows: [{ time: 0, rolled_at_ms: 1 }] } : null), asked);
    const service = new DeviceSeriesService(influx);
    await service.history(lamp, 0, 2 * HOUR, '1h');
    await service.history(lamp, 0, 2 * HOUR, '1h');
    expect(asked.filter((a) => a.q.includes('device_rollup_hours'))).toHaveLength(1);
    expect(LEDGER_TTL_MS).toBe(60_000);
  });

  it('reads the ledger again after a failed read instead of keeping the failure', async () => {
    let fail = true;
    const asked: Asked[] = [];
    const influx = fakeInflux((s) => (s.includes('device_rollup_hours') && fail ? new Error('InfluxDB down') : null), asked);
    const service = new DeviceSeriesService(influx);
    await expect(service.history(lamp, 0, 2 * HOUR, '1h')).rejects.toThrow('InfluxDB down');
    fail = false;
    await service.history(lamp, 0, 2 * HOUR, '1h');
    expect(asked.filter((a) => a.q.includes('device_rollup_hours'))).toHaveLength(2);
  });

  it('averages an hour from the raw points when it holds two stored means (the device\'s tags changed within it)', async () => {
    const asked: Asked[] = [];
    const influx = fakeInflux((s) => {
      if (s.includes('device_rollup_hours')) return { columns: ['time', 'rolled_at_ms'], rows: [0, 1].map((h) => ({ time: h * HOUR, rolled_at_ms: 9 })) };
      if (s.includes('device_h1')) return { columns: ['time', 'mean_level_pct'], rows: [{ time: 0, mean_level_pct: 5 }, { time: HOUR, mean_level_pct: 10 }, { time: HOUR, mean_level_pct: 20 }] };
      return { columns: ['time', 'mean_level_pct'], rows: [{ time: HOUR, mean_level_pct: 15 }] };
    }, asked);
    const { points } = await new DeviceSeriesService(influx).history(lamp, 0, 2 * HOUR, '1h');
    expect(points).toEqual([{ time: at(0), level_pct: 5 }, { time: at(HOUR), level_pct: 15 }]);
    expect(asked[2]!.params).toEqual({ device: 'lamp-1', from0: at(HOUR), to0: at(2 * HOUR) });
  });

  it('averages everything from the raw points before any aggregation created the policy', async () => {
    const asked: Asked[] = [];
    const influx = fakeInflux((s) => (s.includes('device_h1') ? new InfluxRejectedError('statement 0: retention policy not found: device_h1', 200) : { columns: ['time', 'mean_level_pct'], rows: [{ time: 0, mean_level_pct: 7 }] }), asked);
    const { points } = await new DeviceSeriesService(influx).history(lamp, 0, 3 * HOUR, '1h');
    expect(points).toEqual([{ time: at(0), level_pct: 7 }]);
    expect(asked[1]!.params).toEqual({ device: 'lamp-1', from0: at(0), to0: at(3 * HOUR) });
  });

  it('does not read the stored means of a type reporting hourly or slower', async () => {
    const asked: Asked[] = [];
    const influx = fakeInflux(() => ({ columns: ['time', 'mean_occupied'], rows: [] }), asked);
    await new DeviceSeriesService(influx).history({ id: 'spot-1', type: 'parking-spot' } as Device, 0, 3 * HOUR, '1h');
    expect(asked.map((a) => a.q.includes('device_h1'))).toEqual([false]);
  });
});

describe('meansOf', () => {
  it('gives each mean to 0.001 of its unit, and the bucket\'s time untouched', () => {
    const columns = ['time', 'mean_power_w', 'mean_power_factor', 'mean_level_pct', 'mean_voltage_v', 'mean_temp_c'];
    const [point] = meansOf({ name: 'm', tags: {}, columns, values: [[3_600_001, 37.416666666666664, 0.95, 50, null, -3.4567]] });
    expect(point).toEqual({ time: '1970-01-01T01:00:00.001Z', power_w: 37.417, power_factor: 0.95, level_pct: 50, voltage_v: null, temp_c: -3.457 });
    expect(MEAN_DECIMALS).toBe(3);
  });


  it('keeps a field named __proto__ as a field, not as the point\'s prototype', () => {
    const [point] = meansOf({ name: 'm', tags: {}, columns: ['time', 'mean___proto__', 'mean_x'], values: [[0, 5, 1]] });
    expect(Object.getPrototypeOf(point)).toBe(Object.prototype);
    expect(Object.entries(point!)).toEqual([['time', '1970-01-01T00:00:00.000Z'], ['__proto__', 5], ['x', 1]]);
  });
});
