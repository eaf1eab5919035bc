import { ACK_SCHEMAS, DEVICE_TYPE_NAMES, statusSchema, uplinkSchema, type DeviceCommand, type DeviceType } from '@hv/contracts';
import { describe, expect, it } from 'vitest';
import { DeviceSim } from '../device-sim';
import { Environment } from '../env/environment';
import { sunTimes } from '@hv/lighting';
import { lightingFleet, mixedFleet, type SimDevice } from '../fleet';
import { ackFor } from './ack';
import { willPayload } from './status';

const HOUR = 3_600_000;
const MIN = 60_000;
const ALL_TYPES = Object.fromEntries(DEVICE_TYPE_NAMES.map((t) => [t, 2])) as Record<DeviceType, number>;
const fleet = mixedFleet({ seed: 'models', tenants: [{ tenant: '02408' }, { tenant: '02691' }], perTenant: ALL_TYPES });
const env = new Environment('models');
const deviceOf = (type: DeviceType, i = 0) => fleet.devices.filter((d) => d.type === type)[i]!;
const body = (m: { payload: Buffer }) => JSON.parse(m.payload.toString('utf8')) as Record<string, any>;

/** Telemetry of one device every `stepMs` over `hours` from `startIso`. */
function run(device: SimDevice, startIso: string, hours: number, stepMs = 10 * MIN) {
  const sim = new DeviceSim(device, { seed: 'models', env });
  const out: Array<Record<string, any>> = [];
  for (let t = Date.parse(startIso); t < Date.parse(startIso) + hours * HOUR; t += stepMs) out.push(body(sim.telemetry(t)));
  return out;
}

describe('every model', () => {
  it.each(DEVICE_TYPE_NAMES)('%s: two weeks of telemetry, events, statuses and acks all validate', (type) => {
    for (const device of fleet.devices.filter((d) => d.type === type)) {
      const sim = new DeviceSim(device, { seed: 'models', env });
      const start = Date.parse('2025-12-15T00:00:00Z');
      for (let i = 0; i < 2 * 7 * 24 * 4; i++) {
        const t = start + i * 15 * MIN;
        const messages = [sim.telemetry(t), sim.event(t + 1)];
        if (i % 50 === 0) messages.push(sim.status(t, 'reconnect'));
        for (const m of messages) {
          const parsed = uplinkSchema(device.type, m.channel).safeParse(body(m));
          expect(parsed.success, `${m.channel} ${m.payload.toString()}: ${parsed.error?.message}`).toBe(true);
        }
      }
    }
  });

  it.each(DEVICE_TYPE_NAMES)('%s: a summer week validates too', (type) => {
    for (const row of run(deviceOf(type), '2025-07-07T00:00:00Z', 7 * 24, 20 * MIN)) {
      const parsed = uplinkSchema(type, 'telemetry').safeParse(row);
      expect(parsed.success, JSON.stringify(row)).toBe(true);
    }
  });
});

describe('lighting controller', () => {
  const laon = lightingFleet({ seed: 'lamps', tenant: '02408', controllers: 4, cabinets: 1 });
  const lamp = (mode: 'full' | 'dim' | 'off'): SimDevice => {
    const d = laon.devices.find((x) => x.type === 'lighting-controller')!;
    return { ...d, attributes: { ...d.attributes, night_mode: mode, night_from_h: 22, night_to_h: mode === 'off' ? 5 : 6, dim_level_pct: 50 } };
  };

  it('is off at noon and on after sunset (Laon, 21 December: sunset 15:48 UTC)', () => {
    const [noon] = run(lamp('full'), '2025-12-21T12:00:00Z', 0.1);
    const [evening] = run(lamp('full'), '2025-12-21T16:10:00Z', 0.1);
    expect(noon).toMatchObject({ on: false, level_pct: 0, power_w: 0 });
    expect(evening).toMatchObject({ on: true, level_pct: 100 });
  });

  it.each([
    // night starting on, reference sunset and next sunrise (UTC), dimming window in UTC
    ['2025-12-21', '15:48', '07:39', '21:00', '05:00'], // DOMAIN.md reference (winter time)
    ['2025-06-21', '19:56', '03:38', '20:00', null], // DOMAIN.md reference; sunrise before 06:00 CEST
    ['2026-03-28', null, null, '21:00', '04:00'], // spring forward at 01:00 UTC: 22:00 CET → 06:00 CEST
    ['2026-10-24', null, null, '20:00', '05:00'], // fall back at 01:00 UTC: 22:00 CEST → 06:00 CET
  ])('Laon, night of %s: on at sunset, 50 %% from 22:00 to 06:00 Paris time, off at sunrise (±2 min)', (day, sunset, sunrise, dimFrom, dimTo) => {
    const noon = Date.parse(`${day}T12:00:00Z`);
    const next = new Date(noon + 24 * HOUR).toISOString().slice(0, 10);
    const d = lamp('dim');
    const { lat, lon } = d.attributes as { lat: number; lon: number };
    const onAt = sunset ? Date.parse(`${day}T${sunset}:00Z`) : sunTimes(Date.parse(`${day}T00:00:00Z`), lat, lon).sunsetMs!;
    const offAt = sunrise ? Date.parse(`${next}T${sunrise}:00Z`) : sunTimes(Date.parse(`${next}T00:00:00Z`), lat, lon).sunriseMs!;
    // Level changes over the night, sampled every 30 s.
    const sim = new DeviceSim(d, { seed: 'models', env });
    const changes: Array<{ at: number; level: number }> = [];
    let level = -1;
    for (let t = noon; t < noon + 24 * HOUR; t += 30_000) {
      const r = body(sim.telemetry(t));
      if (r.level_pct !== level) changes.push({ at: t, level: (level = r.level_pct) });
    }
    const near = (at: number, ref: number) => expect(Math.abs(at - ref), `${new Date(at).toISOString()} vs ${new Date(ref).toISOString()}`).toBeLessThanOrEqual(2 * MIN);
    const levels = changes.map((c) => c.level);
    if (dimTo) {
      expect(levels).toEqual([0, 100, 50, 100, 0]);
      near(changes[3]!.at, Date.parse(`${next}T${dimTo}:00Z`));
    } else {
      expect(levels).toEqual([0, 100, 50, 0]);
    }
    near(changes[1]!.at, onAt);
    near(changes[2]!.at, Date.parse(`${day}T${dimFrom}:00Z`));
    near(changes.at(-1)!.at, offAt);
  });

  it('draws rated power × level plus driver losses', () => {
    const d = lamp('dim');
    const a = d.attributes as { rated_power_w: number; loss_factor: number };
    const rows = run(d, '2025-12-21T16:00:00Z', 10);
    const full = rows.find((r) => r.level_pct === 100)!;
    const dimmed = rows.find((r) => r.level_pct === 50)!;
    expect(Math.abs(full.power_w / (a.rated_power_w * a.loss_factor) - 1)).toBeLessThan(0.04);
    expect(dimmed.power_w / full.power_w).toBeCloseTo(0.5, 1);
  });

  it('dims to 50 % from 22:00 Paris time when the commune dims, and switches off 22:00–05:00 when it does', () => {
    const [dim] = run(lamp('dim'), '2025-12-21T22:30:00Z', 0.1); // 23:30 in Paris
    const [off] = run(lamp('off'), '2025-12-21T22:30:00Z', 0.1);
    expect(dim).toMatchObject({ on: true, level_pct: 50 });
    expect(off).toMatchObject({ on: false, level_pct: 0 });
  });

  it('keeps energy, burning hours and switch-ons monotonic, one switch-on per night', () => {
    const rows = run(lamp('full'), '2025-12-20T12:00:00Z', 72);
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]!.energy_wh).toBeGreaterThanOrEqual(rows[i - 1]!.energy_wh);
      expect(rows[i]!.hours_h).toBeGreaterThanOrEqual(rows[i - 1]!.hours_h);
      expect(rows[i]!.switch_count).toBeGreaterThanOrEqual(rows[i - 1]!.switch_count);
    }
    expect(rows.at(-1)!.switch_count - rows[0]!.switch_count).toBe(3);
    // ≈ 16 h a night at ≈ rated power: three nights in three days.
    const kwh = (rows.at(-1)!.energy_wh - rows[0]!.energy_wh) / 1000;
    const a = lamp('full').attributes as { rated_power_w: number; loss_factor: number };
    expect(kwh).toBeGreaterThan((a.rated_power_w * a.loss_factor * 3 * 15) / 1000);
    expect(kwh).toBeLessThan((a.rated_power_w * a.loss_factor * 3 * 17) / 1000);
  });

  it('acks an override with its actual state, and an expired one as expired', () => {
    const sim = new DeviceSim(lamp('full'), { seed: 'models', env });
    const night = Date.parse('2025-12-21T20:00:00Z');
    sim.telemetry(night);
    const ok = body(sim.ack({ cmd_id: 'c-1', ts: night, level_pct: 30, reason: 'override', expires_at: night + HOUR }, night + 500));
    expect(ok).toMatchObject({ cmd_id: 'c-1', status: 'ok', on: true, level_pct: 30 });
    expect(body(sim.telemetry(night + 10 * MIN))).toMatchObject({ level_pct: 30 });
    expect(body(sim.telemetry(night + 2 * HOUR))).toMatchObject({ level_pct: 100 }); // back to its program
    const late = body(sim.ack({ cmd_id: 'c-2', ts: night, level_pct: 0, reason: 'override', expires_at: night + 1 }, night + 3 * HOUR));
    expect(late).toMatchObject({ status: 'expired', on: true, level_pct: 100 });
    for (const a of [ok, late]) expect(ACK_SCHEMAS.lighting.safeParse(a).success).toBe(true);
  });
});

describe('boiler room', () => {
  it('follows the heating curve: flow ≈ 55 °C at 0 °C outdoors, return below flow, meters monotonic', () => {
    const rows = run(deviceOf('boiler-room'), '2025-01-06T00:00:00Z', 5 * 24);
    // Once the burner has been running for a while (the flow takes minutes to come up).
    const heating = rows.filter((r, i) => i > 0 && r.burner_on && rows[i - 1]!.burner_on && r.setpoint_c === 19);
    expect(heating.length).toBeGreaterThan(10);
    for (const r of heating) {
      const curve = 55 - 1.5 * r.outdoor_c;
      expect(Math.abs(r.flow_c - Math.min(80, Math.max(25, curve)))).toBeLessThan(6);
      expect(r.return_c).toBeLessThan(r.flow_c);
      expect(r.pressure_bar).toBeGreaterThan(1);
      expect(r.pressure_bar).toBeLessThan(2);
    }
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.gas_kwh).toBeGreaterThanOrEqual(rows[i - 1]!.gas_kwh);
  });

  it('keeps the room near 19 °C when occupied in winter (R241-26)', () => {
    const rows = run(deviceOf('boiler-room'), '2025-01-06T00:00:00Z', 5 * 24).slice(36);
    const occupied = rows.filter((r) => r.occupied);
    const mean = occupied.reduce((s, r) => s + r.room_c, 0) / occupied.length;
    expect(mean).toBeGreaterThan(17.5);
    expect(mean).toBeLessThan(20.5);
  });

  it('acks a mode change with its setpoint', () => {
    const sim = new DeviceSim(deviceOf('boiler-room'), { seed: 'models', env });
    const t = Date.parse('2025-01-06T08:00:00Z');
    sim.telemetry(t);
    const ack = body(sim.ack({ cmd_id: 'c-19', ts: t, mode: 'eco', setpoint_c: 16 }, t + 3000));
    expect(ack).toMatchObject({ cmd_id: 'c-19', status: 'ok', mode: 'eco', setpoint_c: 16 });
    expect(ACK_SCHEMAS.heating.safeParse(ack).success).toBe(true);
    expect(body(sim.telemetry(t + 10 * MIN)).setpoint_c).toBe(16);
  });
});

describe('CO2 sensor', () => {
  it('rises during lessons and falls back towards outdoor air at night', () => {
    const school = fleet.devices.find((d) => d.type === 'co2-sensor' && d.attributes.use === 'school')!;
    const rows = run(school, '2025-11-17T00:00:00Z', 24, 5 * MIN); // a Monday
    const at = (hUtc: number) => rows[Math.round((hUtc * 60) / 5)]!;
    expect(at(10.5).co2_ppm).toBeGreaterThan(800); // 11:30 in Paris, end of the morning
    expect(at(3).co2_ppm).toBeLessThan(600);
    expect(at(10.5).occupied || at(10.25).occupied).toBe(true);
  });
});

describe('parking', () => {
  const carPark = (profile: string, capacity: number): SimDevice => {
    const d = deviceOf('car-park');
    return { ...d, id: `${d.id}${profile.length}`, attributes: { ...d.attributes, profile, capacity } };
  };

  it.each([
    ['commuter', 120],
    ['station', 350],
    ['shopping', 80],
  ])('car park (%s, %i spots): a week of arrivals and departures, never below 0 or above capacity, counters consistent', (profile, capacity) => {
    // Monday 17 to Sunday 23 November 2025, every 5 minutes.
    const rows = run(carPark(profile, capacity), '2025-11-16T23:00:00Z', 7 * 24, 5 * MIN);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      expect(Number.isInteger(r.occupied)).toBe(true);
      expect(r.occupied).toBeGreaterThanOrEqual(0);
      expect(r.occupied).toBeLessThanOrEqual(capacity);
      expect(r.capacity).toBe(capacity);
      if (i === 0) continue;
      const p = rows[i - 1]!;
      expect(r.entries).toBeGreaterThanOrEqual(p.entries);
      expect(r.exits).toBeGreaterThanOrEqual(p.exits);
      expect(r.occupied - p.occupied).toBe(r.entries - p.entries - (r.exits - p.exits));
    }
    const at = (day: number, hour: number) => rows[(day * 24 + hour) * 12]!;
    const carsIn = rows.at(-1)!.entries - rows[0]!.entries;
    expect(carsIn).toBeGreaterThan(capacity); // cars rotate: more came in over the week than there are spots
    if (profile === 'shopping') {
      expect(at(5, 15).occupied).toBeGreaterThan(at(6, 15).occupied); // Saturday afternoon busier than Sunday's
      expect(at(5, 15).occupied).toBeGreaterThan(0.6 * capacity);
    } else {
      for (let day = 0; day < 5; day++) expect(at(day, 11).occupied).toBeGreaterThan(Math.max(5, 3 * at(day, 3).occupied));
      expect(at(1, 11).occupied).toBeGreaterThan(0.6 * capacity);
    }
  });

  it('car park: a full car park turns cars away and stays at capacity', () => {
    // 10 spots of a station car park on a weekday morning: the wave brings more cars than spots.
    const rows = run(carPark('station', 10), '2025-11-17T04:00:00Z', 8, MIN);
    expect(Math.max(...rows.map((r) => r.occupied))).toBe(10);
    for (const r of rows) expect(r.occupied).toBeLessThanOrEqual(10);
  });

  it('spot: short daytime stays in the blue zone, some overstaying its 1 h 30, residents staying the night', () => {
    const spots = mixedFleet({ seed: 'stays', tenants: [{ tenant: '02691' }], perTenant: { 'parking-spot': 40 } }).devices;
    const day: number[] = [];
    let overnight = 0;
    for (const d of spots) {
      const sim = new DeviceSim(d, { seed: 'stays', env });
      let since: number | undefined;
      let was: boolean | undefined;
      // Tuesday 18 November 2025, every minute, 06:00 to 06:00 Paris time.
      for (let t = Date.parse('2025-11-18T05:00:00Z'); t < Date.parse('2025-11-19T05:00:00Z'); t += MIN) {
        const occupied = body(sim.telemetry(t)).occupied as boolean;
        if (was === false && occupied) since = t;
        if (was === true && !occupied && since !== undefined) {
          const hour = (since - Date.parse('2025-11-18T05:00:00Z')) / HOUR + 6;
          if (hour >= 8 && hour < 17) day.push((t - since) / MIN);
          else if (hour >= 18 && t - since > 8 * HOUR) overnight++;
        }
        was = occupied;
      }
    }
    day.sort((a, b) => a - b);
    expect(day.length).toBeGreaterThan(100);
    const median = day[Math.floor(day.length / 2)]!;
    expect(median).toBeGreaterThan(20);
    expect(median).toBeLessThan(90);
    const overstays = day.filter((m) => m > 90).length / day.length;
    expect(overstays).toBeGreaterThan(0.03);
    expect(overstays).toBeLessThan(0.4);
    expect(overnight).toBeGreaterThan(0);
  });

  it('spot: consecutive occupancy events alternate between occupied and free', () => {
    const sim = new DeviceSim(deviceOf('parking-spot'), { seed: 'models', env });
    const t0 = Date.parse('2025-11-17T08:00:00Z');
    const events = Array.from({ length: 200 }, (_, i) => body(sim.event(t0 + i * MIN))).filter((e) => e.event === 'occupied' || e.event === 'free');
    for (let i = 1; i < events.length; i++) expect(events[i]!.event).not.toBe(events[i - 1]!.event);
  });
});

describe('air station', () => {
  it('reports ATMO pollutants in plausible ranges', () => {
    for (const r of run(deviceOf('air-station'), '2025-11-17T00:00:00Z', 48)) {
      expect(r.no2_ugm3).toBeLessThan(200);
      expect(r.o3_ugm3).toBeLessThan(180);
      if (r.pm10_ugm3 !== undefined) expect(r.pm25_ugm3).toBeLessThan(r.pm10_ugm3);
    }
  });

  /** PM10 daily means (Paris days) of a station from `firstDay`, hourly readings. */
  function pm10DailyMeans(environment: Environment, firstDay: string, days: number): number[] {
    const sim = new DeviceSim(deviceOf('air-station'), { seed: 'models', env: environment });
    const start = Date.parse(`${firstDay}T00:00:00+01:00`);
    const means: number[] = [];
    for (let d = 0; d < days; d++) {
      let sum = 0;
      let n = 0;
      for (let h = 0; h < 24; h++) {
        const r = body(sim.telemetry(start + (d * 24 + h) * HOUR));
        if (r.pm10_ugm3 === undefined) continue;
        sum += r.pm10_ugm3;
        n++;
      }
      means.push(sum / n);
    }
    return means;
  }

  it('an episode raises the PM10 daily mean above the 50 µg/m³ information threshold, and it falls back after', () => {
    const from = Date.parse('2026-03-10T00:00:00+01:00');
    const quiet = new Environment('episode', { seasonalEpisodes: false });
    const episode = new Environment('episode', { seasonalEpisodes: false, episodes: [{ from, to: from + 3 * 24 * HOUR, pm10Ugm3: 45 }] });
    const without = pm10DailyMeans(quiet, '2026-03-08', 7);
    const withIt = pm10DailyMeans(episode, '2026-03-08', 7);
    // 8 and 9 March before, 10 to 12 March the episode (ramping up on the 10th, down on the 12th), 13 and 14 March after.
    expect(Math.max(...without)).toBeLessThan(40);
    expect(withIt[3]).toBeGreaterThan(50);
    expect(withIt[2]).toBeGreaterThan(without[2]! + 20);
    expect(withIt[4]).toBeGreaterThan(without[4]! + 20);
    for (const d of [0, 1, 5, 6]) expect(withIt[d]).toBeCloseTo(without[d]!, 6);
  });

  it('seasonal episodes: a few days a year over the PM10 threshold, none in summer; ozone over 180 µg/m³ only in summer', () => {
    const means = pm10DailyMeans(env, '2026-01-01', 365);
    const over = means.flatMap((m, day) => (m > 50 ? [day] : []));
    expect(over.length).toBeGreaterThanOrEqual(2);
    expect(over.length).toBeLessThanOrEqual(30);
    // Not from June to September (days 151–272 of 2026).
    for (const day of over) expect(day < 151 || day > 272, `day ${day}`).toBe(true);

    const sim = new DeviceSim(deviceOf('air-station'), { seed: 'models', env });
    const ozoneMonths = new Set<number>();
    for (let t = Date.parse('2026-01-01T00:00:00Z'); t < Date.parse('2027-01-01T00:00:00Z'); t += HOUR) {
      if ((body(sim.telemetry(t)).o3_ugm3 as number) > 180) ozoneMonths.add(new Date(t).getUTCMonth());
    }
    for (const month of ozoneMonths) expect(month >= 5 && month <= 7, `month ${month}`).toBe(true);
  });
});

describe('status, will and acks', () => {
  it('builds statuses and a last will valid under statusSchema', () => {
    const sim = new DeviceSim(deviceOf('car-park'), { seed: 'models', env });
    for (const reason of ['boot', 'reconnect', 'shutdown'] as const) expect(statusSchema.safeParse(body(sim.status(1_766_347_200_000, reason))).success).toBe(true);
    expect(statusSchema.safeParse(willPayload()).success).toBe(true);
    expect(willPayload()).not.toHaveProperty('ts');
  });

  it('acks maintenance commands in every domain and rejects another domain\'s command', () => {
    const setInterval: DeviceCommand = { cmd_id: 'c-20', ts: 1, action: 'set_interval', interval_s: 600 };
    const lighting: DeviceCommand = { cmd_id: 'c-21', ts: 1, level_pct: 50, reason: 'manual' };
    for (const domain of ['lighting', 'heating', 'air', 'parking'] as const) {
      expect(ACK_SCHEMAS[domain].safeParse(ackFor(domain, setInterval, 2, 5)).success).toBe(true);
    }
    const cross = ackFor('parking', lighting, 2, 5);
    expect(cross.status).toBe('rejected');
    expect(ACK_SCHEMAS.parking.safeParse(cross).success).toBe(true);
  });

  it('answers a command received as bytes, and refuses one it cannot read', () => {
    const sim = new DeviceSim(deviceOf('parking-spot'), { seed: 'models', env });
    const ack = sim.handleCommand(Buffer.from('{"cmd_id":"c-21","ts":1766347200000,"action":"reboot"}'), 1_766_347_200_900)!;
    expect(body(ack)).toEqual({ cmd_id: 'c-21', ts: 1_766_347_200_900, seq: 0, status: 'ok' });
    expect(body(sim.handleCommand('{"cmd_id":"c-22","ts":1,"level_pct":5,"reason":"manual"}', 1_766_347_201_000)!).status).toBe('rejected');
    expect(sim.handleCommand('not json', 1)).toBeNull();
  });
});
