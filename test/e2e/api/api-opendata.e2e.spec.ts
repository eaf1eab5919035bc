/**
 * Open data against the real stack: two communes' simulated devices of every domain
 * (luminaires, an air station, car parks, on-street parking sensors, a classroom CO2
 * sensor) publish through the broker for the last Paris day and a half, ingest stores them,
 * the aggregation computes the ATMO index; then the three datasets are read as a `public`
 * key reads them, in JSON, CSV and NGSI-LD (normalised and key-values). The entities
 * validate against the Smart Data Models schemas (test/fixtures/smart-data-models), the
 * figures equal those computed here from what was published, and nothing personal leaves:
 * no parking spot, no vehicle, no presence event, although InfluxDB holds them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { AggregatesService } from '@hv/aggregates';
import { deviceTopic, MEASUREMENTS } from '@hv/contracts';
import { addDays, parisDate, parisInstant } from '@hv/civil-time';
import { FleetPublisher, messages, mixedFleet, type SimMessage } from '@hv/simulators';
import { ApiKeyRepository, Database, DeviceRepository } from '@hv/state';
import { InfluxRepository } from '@hv/timeseries';
import { keyValuesErrors, normalisedProblems, type SmartDataModel } from '../../support/smart-data-models';
import { connect, preparePlatform, SERVICE_ACCOUNT, type TestPlatform } from '../../support/platform';
import { waitFor } from '../../support/wait';

const SEED = 'e2e-opendata';
const A = '02408'; // Laon
const B = '02691'; // Saint-Quentin, another EPCI
const fleet = mixedFleet({
  seed: SEED,
  tenants: [{ tenant: A }, { tenant: B }],
  perTenant: { 'lighting-controller': 4, 'lighting-cabinet': 1, 'air-station': 1, 'car-park': 2, 'parking-spot': 6, 'co2-sensor': 1 },
  lorawan: [],
});
const of = (tenant: string, type: string) => fleet.devices.filter((d) => d.tenant === tenant && d.type === type);
const HOUR = 3_600_000;
const now = Date.now();
const today = parisDate(now);
const yesterday = addDays(today, -1);
// From an hour before yesterday's Paris midnight to a minute ago: a whole Paris day for the
// ATMO index, and the last hour for the luminaires' and car parks' current state.
const start = parisInstant(yesterday, 0) - HOUR;
const end = now - 60_000;
/** Every device reports about every 15 minutes of simulated time. */
const STEP_MS = Math.floor(900_000 / fleet.devices.length);
/** A luminaire of A added apart: its last hour is written by hand, a presence boost in it. */
const PROBE = `lc-${A}-probe`;

type Answer = { status: number; type: string; text: string; json: any };

describe('open data against the real stack', () => {
  let tp: TestPlatform;
  let db: Database;
  let gateway: MqttClient;
  let publicKey: string;
  const published: SimMessage[] = [];

  const get = async (path: string, key: string | null = publicKey): Promise<Answer> => {
    const res = await fetch(`${tp.platform!.httpUrl}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // CSV
    }
    return { status: res.status, type: res.headers.get('content-type') ?? '', text, json };
  };
  const influxCount = async (measurement: string, where = 'true') => {
    const { series } = await new InfluxRepository({ url: tp.influx.url, database: tp.influx.db }).query(`SELECT count(*) FROM "${measurement}" WHERE ${where}`);
    const row = series[0]?.rows[0] ?? {};
    return Math.max(0, ...Object.entries(row).filter(([k]) => k !== 'time').map(([, v]) => v as number));
  };

  beforeAll(async () => {
    tp = await preparePlatform('e2e_api_opendata', fleet.devices, SEED, { HV_AGGREGATES_EVERY_S: '0' });
    const { app, brokerUrl } = await tp.start();
    db = new Database(tp.pgUrl, { max: 2 });
    publicKey = (await new ApiKeyRepository(db).create({ name: 'portail open data', role: 'public', tenant: null, createdBy: 'e2e' })).key;
    await new DeviceRepository(db).create({ id: PROBE, tenant: A, type: 'lighting-controller', attributes: { name: 'Rue de la sonde', lat: 49.564, lon: 3.62, cabinet: `lc-${A}-c1` } });

    gateway = await connect(brokerUrl, { ...SERVICE_ACCOUNT, clientId: `e2e-opendata-${process.pid}` });
    const stream = [...messages(fleet, { seed: SEED, startMs: start, stepMs: STEP_MS, count: Math.floor((end - start) / STEP_MS), channels: ['telemetry', 'event'], eventShare: 0.1 })];
    published.push(...stream);
    // The probe: base level 50 %, boosted to 100 % by a passer-by twice, the second time in its latest reading.
    const probe = [50, 50, 100, 50, 50, 100].map((level, i) => ({ topic: deviceTopic(A, 'lighting', PROBE, 'telemetry'), ts: now - 55 * 60_000 + i * 10 * 60_000, level }));
    const probeMessages = probe.map((p, i) => ({ topic: p.topic, payload: Buffer.from(JSON.stringify({ ts: p.ts, seq: i + 1, on: true, level_pct: p.level, power_w: p.level * 0.4, energy_wh: 1000 + i })) }));
    probeMessages.push({ topic: deviceTopic(A, 'lighting', PROBE, 'event'), payload: Buffer.from(JSON.stringify({ ts: now - 5 * 60_000 + 1, seq: 7, event: 'presence' })) });
    const result = await new FleetPublisher(gateway).publish([...stream, ...probeMessages], { window: 500 });
    expect(result.failed).toBe(0);

    const telemetry = stream.filter((m) => m.channel === 'telemetry').length + probe.length;
    const stored = await waitFor(async () => (await Promise.all(['lighting_controller', 'lighting_cabinet', 'air_station', 'car_park', 'parking_spot', 'co2_sensor'].map((m) => influxCount(m)))).reduce((a, b) => a + b, 0), (n) => n >= telemetry, 90_000, 500);
    expect(stored).toBe(telemetry);
    await app.get(AggregatesService).atmo(parisInstant(yesterday, 0), parisInstant(today, 0));
  });
  afterAll(async () => {
    await gateway?.endAsync();
    await db?.close();
    await tp?.stop();
  });

  it('holds what must not leave: spot events, presence events and classroom sensors are in InfluxDB (so their absence below means something)', async () => {
    expect(await influxCount(MEASUREMENTS.event, `"event" = 'occupied' OR "event" = 'free'`)).toBeGreaterThan(0);
    expect(await influxCount(MEASUREMENTS.event, `"event" = 'presence'`)).toBeGreaterThan(0);
    expect(await influxCount('parking_spot')).toBeGreaterThan(0);
    expect(await influxCount('co2_sensor')).toBeGreaterThan(0);
  });

  describe('Smart Data Models', () => {
    const datasets: Array<[string, SmartDataModel]> = [['streetlights', 'Streetlight'], ['air-quality', 'AirQualityObserved'], ['car-parks', 'OffStreetParking']];
    for (const [dataset, model] of datasets) {
      it(`${dataset}: every key-values entity validates against ${model}'s schema, and the normalised form has the NGSI-LD structure and the same values`, async () => {
        // Telegestion may still raise or clear an alarm of the replayed fleet between two
        // reads (a lamp's status): compare the two forms of one stable moment, i.e. a
        // normalised answer read between two identical key-values answers.
        let kv = await get(`/api/v1/opendata/${dataset}?format=ngsi-ld&options=keyValues`);
        let normalised = await get(`/api/v1/opendata/${dataset}?format=ngsi-ld`);
        for (let attempt = 0; attempt < 10; attempt++) {
          const again = await get(`/api/v1/opendata/${dataset}?format=ngsi-ld&options=keyValues`);
          if (again.text === kv.text) break;
          kv = again;
          normalised = await get(`/api/v1/opendata/${dataset}?format=ngsi-ld`);
        }
        expect([kv.status, normalised.status]).toEqual([200, 200]);
        for (const type of [kv.type, normalised.type]) expect(type).toMatch(/^application\/ld\+json(;|$)/);
        const entities = kv.json as Array<Record<string, unknown>>;
        // Both communes publish every dataset.
        expect(new Set(entities.map((e) => String(e.id).split(':')[3]))).toEqual(new Set([A, B]));
        for (const e of entities) {
          expect(e.type).toBe(model);
          expect(keyValuesErrors(model, e), String(e.id)).toEqual([]);
          expect(e['@context']).toEqual([`https://raw.githubusercontent.com/smart-data-models/dataModel.${{ Streetlight: 'Streetlighting', AirQualityObserved: 'Environment', OffStreetParking: 'Parking' }[model]}/master/context.jsonld`, 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld']);
        }
        expect((normalised.json as unknown[]).length).toBe(entities.length);
        for (const [i, n] of (normalised.json as Array<Record<string, unknown>>).entries()) {
          const { problems, keyValues } = normalisedProblems(n);
          expect(problems, String(n.id)).toEqual([]);
          expect(keyValuesErrors(model, keyValues), String(n.id)).toEqual([]);
          expect(keyValues).toEqual(entities[i]);
        }
      });
    }
  });

  it('streetlights: every luminaire of Laon with its place and cabinet; the probe shows its base level, never the presence boost of its latest reading', async () => {
    const res = await get(`/api/v1/opendata/streetlights?tenant=${A}`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ dataset: 'streetlights', licence: expect.stringContaining('etalab-2.0'), total: of(A, 'lighting-controller').length + 1 });
    expect(res.json.rows.map((r: { id: string }) => r.id).sort()).toEqual([...of(A, 'lighting-controller').map((d) => d.id), PROBE].sort());
    const probe = res.json.rows.find((r: { id: string }) => r.id === PROBE);
    expect(probe).toEqual({ tenant: A, commune: 'Laon', id: PROBE, name: 'Rue de la sonde', lat: 49.564, lon: 3.62, cabinet: `lc-${A}-c1`, status: 'ok', power_state: 'low', illuminance_level: 0.5, observed_at: new Date(now - 5 * 60_000).toISOString() });
    for (const row of res.json.rows as Array<{ id: string; lat: number; lon: number; cabinet: string }>) {
      const device = fleet.devices.find((d) => d.id === row.id);
      if (device) expect([row.lat, row.lon, row.cabinet]).toEqual([device.attributes.lat, device.attributes.lon, device.cabinet]);
    }
  });

  it('air quality: yesterday\'s daily means of each station equal those of the readings published, with the ATMO index the aggregation stored', async () => {
    const res = await get(`/api/v1/opendata/air-quality?date=${yesterday}`);
    expect(res.status).toBe(200);
    const from = parisInstant(yesterday, 0);
    const to = parisInstant(today, 0);
    const influx = new InfluxRepository({ url: tp.influx.url, database: tp.influx.db });
    for (const station of [...of(A, 'air-station'), ...of(B, 'air-station')]) {
      const readings = published.filter((m) => m.device.id === station.id && m.channel === 'telemetry' && m.ts >= from && m.ts < to).map((m) => JSON.parse(m.payload.toString()) as Record<string, number>);
      const mean = (k: string) => {
        const values = readings.map((r) => r[k]).filter((v): v is number => typeof v === 'number');
        return values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10 : null;
      };
      const { series } = await influx.query(`SELECT "index", "available" FROM "${MEASUREMENTS.atmo}" WHERE "scope" = 'station' AND "device" = $d`, { d: station.id });
      const atmo = series[0]!.rows[0]!;
      const row = res.json.rows.find((r: { station: string }) => r.station === station.id);
      expect(readings.length).toBeGreaterThan(80);
      expect(row).toMatchObject({ tenant: station.tenant, date: yesterday, pm25_ugm3: mean('pm25_ugm3'), pm10_ugm3: mean('pm10_ugm3'), no2_ugm3: mean('no2_ugm3'), atmo_index: atmo.available === 1 ? atmo.index : null });
    }
  });

  it('car parks: the latest count of each car park, spots adding up, and nothing about any single spot', async () => {
    const res = await get('/api/v1/opendata/car-parks');
    expect(res.status).toBe(200);
    const carParks = [...of(A, 'car-park'), ...of(B, 'car-park')];
    expect(res.json.rows.map((r: { id: string }) => r.id).sort()).toEqual(carParks.map((d) => d.id).sort());
    for (const cp of carParks) {
      const last = published.filter((m) => m.device.id === cp.id && m.channel === 'telemetry').at(-1)!;
      const body = JSON.parse(last.payload.toString()) as { occupied: number; capacity: number };
      const row = res.json.rows.find((r: { id: string }) => r.id === cp.id);
      expect(row).toMatchObject({ total_spots: body.capacity, occupied_spots: body.occupied, available_spots: body.capacity - body.occupied, observed_at: new Date(last.ts).toISOString() });
      expect(row.occupancy).toBeCloseTo(body.occupied / body.capacity, 3);
    }
  });

  it('no personal data in any dataset or format: no parking spot, no classroom, no vehicle field, no presence or spot event; counts only', async () => {
    const hidden = fleet.devices.filter((d) => d.type === 'parking-spot' || d.type === 'co2-sensor').map((d) => d.id);
    expect(hidden.length).toBe(14);
    const forbidden = /vehicle|plate|presence|occupant|person|event|spot|seq/i;
    // The only spots named are the car parks' counts.
    const counts = /(total|occupied|available)(_spots|SpotNumber)/g;
    for (const dataset of ['streetlights', 'air-quality', 'car-parks']) {
      for (const format of ['format=json', 'format=csv', 'format=ngsi-ld', 'format=ngsi-ld&options=keyValues']) {
        const res = await get(`/api/v1/opendata/${dataset}?${format}${dataset === 'air-quality' ? `&date=${yesterday}` : ''}`);
        expect(res.status, `${dataset} ${format}`).toBe(200);
        expect(res.text.length, `${dataset} ${format}`).toBeGreaterThan(200);
        expect(hidden.filter((id) => res.text.includes(id)), `${dataset} ${format}`).toEqual([]);
        expect(res.text.replace(counts, ''), `${dataset} ${format}`).not.toMatch(forbidden);
      }
    }
    const parks = (await get('/api/v1/opendata/car-parks?format=ngsi-ld&options=keyValues')).json as Array<Record<string, number>>;
    for (const p of parks) {
      expect(Object.keys(p).sort()).toEqual(['@context', 'address', 'availableSpotNumber', 'id', 'location', 'name', 'observationDateTime', 'occupancy', 'occupiedSpotNumber', 'status', 'totalSpotNumber', 'type']);
      expect(Number.isInteger(p.occupiedSpotNumber) && p.occupiedSpotNumber! <= p.totalSpotNumber!).toBe(true);
    }
  });

  it('CSV: a header and one line per row, in the JSON rows\' columns', async () => {
    const csv = await get(`/api/v1/opendata/streetlights?tenant=${A}&format=csv`);
    expect(csv.type).toBe('text/csv; charset=utf-8');
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('tenant,commune,id,name,lat,lon,cabinet,status,power_state,illuminance_level,observed_at');
    expect(lines.length - 1).toBe(of(A, 'lighting-controller').length + 1);
    expect(lines.find((l) => l.includes(PROBE))).toBe(`${A},Laon,${PROBE},Rue de la sonde,49.564,3.62,lc-${A}-c1,ok,low,0.5,${new Date(now - 5 * 60_000).toISOString()}`);
  });

  it('a tenant filter narrows the territory (an EPCI brings its communes); pages hold what the total counts', async () => {
    const epci = (await db.query<{ parent_id: string }>(`SELECT parent_id FROM tenants WHERE id = $1`, [A])).rows[0]!.parent_id;
    const byEpci = await get(`/api/v1/opendata/streetlights?tenant=${epci}`);
    expect(new Set(byEpci.json.rows.map((r: { tenant: string }) => r.tenant))).toEqual(new Set([A]));
    const all = await get('/api/v1/opendata/streetlights');
    expect(new Set(all.json.rows.map((r: { tenant: string }) => r.tenant))).toEqual(new Set([A, B]));
    const page = await get('/api/v1/opendata/streetlights?limit=3&offset=3');
    expect(page.json.total).toBe(all.json.total);
    expect(page.json.rows.map((r: { id: string }) => r.id)).toEqual(all.json.rows.slice(3, 6).map((r: { id: string }) => r.id));
  });

  it('bad requests name their field; an unknown tenant is a 404; no key is a 401', async () => {
    const fields = (a: Answer) => (a.json.issues as Array<{ field: string }>).map((i) => i.field);
    expect(fields(await get('/api/v1/opendata/car-parks?format=json&options=keyValues'))).toEqual(['query.options']);
    expect(fields(await get('/api/v1/opendata/air-quality?date=2999-01-01'))).toEqual(['query.date']);
    expect(fields(await get('/api/v1/opendata/air-quality?date=yesterday&format=xml'))).toEqual(['query.format', 'query.date']);
    expect((await get('/api/v1/opendata/streetlights?tenant=99999')).status).toBe(404);
    expect((await get('/api/v1/opendata/streetlights', null)).status).toBe(401);
  });
});
