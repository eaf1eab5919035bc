import { DEVICE_TYPES, MEASUREMENTS, type Point } from '@hv/contracts';
import { timeWindow } from './rollups';

const HOUR_MS = 3_600_000;

/**
 * How long an on-street spot's last known state holds without a new sample, ms: three
 * heartbeats (a sensor reports a change at once and its state every hour), the same
 * number of missed periods after which telegestion calls a device silent. Past it the
 * spot is not observed: its time counts neither as occupied nor as free.
 */
export const SPOT_STATE_HOLD_MS = 3 * DEVICE_TYPES['parking-spot'].expectedIntervalS * 1000;

/** One state sample of a spot: a reading (heartbeat or change, telemetry `occupied`) or an `occupied`/`free` event. */
export interface SpotSample {
  timeMs: number;
  occupied: boolean;
}

/** A spot's samples (any order) with the tags its points carry. */
export interface SpotSeries {
  device: string;
  tenant: string;
  epci: string | null;
  samples: SpotSample[];
}

interface HourFigures {
  tenant: string;
  epci: string | null;
  hourMs: number;
  occupiedMs: number;
  observedMs: number;
  arrivals: number;
  spots: number;
}

/**
 * The hourly on-street figures per commune of [fromMs, toMs) (whole UTC hours) from the
 * spots' samples, which should start SPOT_STATE_HOLD_MS before `fromMs` so that the state
 * at `fromMs` is known. A sample's state holds until the next sample, at most
 * SPOT_STATE_HOLD_MS; an arrival is a sample that finds occupied a spot whose previous
 * sample (within the hold) said free, counted in the hour of that sample. Hours without
 * an observed spot give no point.
 */
export function spotHourPoints(series: readonly SpotSeries[], fromMs: number, toMs: number): Point[] {
  const figures = new Map<string, HourFigures>();
  const at = (s: SpotSeries, hourMs: number): HourFigures => {
    const key = `${s.tenant}|${s.epci ?? ''}|${hourMs}`;
    let f = figures.get(key);
    if (!f) figures.set(key, (f = { tenant: s.tenant, epci: s.epci, hourMs, occupiedMs: 0, observedMs: 0, arrivals: 0, spots: 0 }));
    return f;
  };
  for (const s of series) {
    // Stable: a reading and an event of the same instant keep their given order.
    const samples = [...s.samples].sort((a, b) => a.timeMs - b.timeMs);
    let lastHourSeen = Number.NaN;
    for (let i = 0; i < samples.length; i++) {
      const { timeMs, occupied } = samples[i]!;
      const previous = samples[i - 1];
      if (occupied && previous && !previous.occupied && timeMs - previous.timeMs <= SPOT_STATE_HOLD_MS && timeMs >= fromMs && timeMs < toMs) {
        at(s, floorHour(timeMs)).arrivals++;
      }
      const end = Math.min(samples[i + 1]?.timeMs ?? Number.POSITIVE_INFINITY, timeMs + SPOT_STATE_HOLD_MS, toMs);
      for (let a = Math.max(timeMs, fromMs); a < end; ) {
        const hourMs = floorHour(a);
        const b = Math.min(hourMs + HOUR_MS, end);
        const f = at(s, hourMs);
        f.observedMs += b - a;
        if (occupied) f.occupiedMs += b - a;
        // Samples come in time order, so a spot's hours are visited in order too.
        if (hourMs !== lastHourSeen) {
          f.spots++;
          lastHourSeen = hourMs;
        }
        a = b;
      }
    }
  }
  const points: Point[] = [];
  for (const f of figures.values()) {
    if (f.observedMs === 0) continue;
    points.push({
      measurement: MEASUREMENTS.spotRollup,
      tags: f.epci ? { tenant: f.tenant, epci: f.epci } : { tenant: f.tenant },
      // The serialiser writes every number as a float, as the SELECT … INTO rollups' `* 1.0` does.
      fields: { occupied_h: f.occupiedMs / HOUR_MS, observed_h: f.observedMs / HOUR_MS, arrivals: f.arrivals, spots: f.spots },
      timestampMs: f.hourMs,
    });
  }
  return points.sort((a, b) => a.timestampMs - b.timestampMs || (a.tags.tenant! < b.tags.tenant! ? -1 : 1));
}

const floorHour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;

/**
 * The two statements that read the spots' samples of [fromMs, toMs): readings (heartbeats
 * and, from LoRaWAN sensors, every change) and `occupied`/`free` events, per device.
 */
export function spotSampleStatements(fromMs: number, toMs: number): [readings: string, events: string] {
  const perDevice = 'GROUP BY "device", "tenant", "epci"';
  return [
    `SELECT "occupied" FROM "${DEVICE_TYPES['parking-spot'].measurement}" WHERE ${timeWindow(fromMs, toMs)} ${perDevice}`,
    `SELECT "seq" FROM "${MEASUREMENTS.event}" WHERE "type" = 'parking-spot' AND ("event" = 'occupied' OR "event" = 'free') AND ${timeWindow(fromMs, toMs)} ${perDevice}, "event"`,
  ];
}

/** The statement that writes the daily on-street rollup of [fromMs, toMs) (whole UTC days) from the hourly one. */
export function spotDailyStatement(fromMs: number, toMs: number): string {
  const m = MEASUREMENTS.spotRollup;
  return `SELECT sum("occupied_h") AS "occupied_h", sum("observed_h") AS "observed_h", sum("arrivals") AS "arrivals", max("spots") AS "spots" INTO "d1"."${m}" FROM "h1"."${m}" WHERE ${timeWindow(fromMs, toMs)} GROUP BY time(1d), "tenant", "epci"`;
}
