import type { Environment } from '../env/environment';
import { clamp } from '../env/environment';
import { parisTime } from '@hv/civil-time';
import type { SimDevice } from '../fleet';
import type { Seed } from '../random';
import { PM_DRIFT_MAX, PM_DRIFT_PER_H } from '../faults';
import { DeviceModel, round1, type Body } from './device-model';

const AIR_STATION_FAULTS = ['sensor_fault', 'sensor_drift'] as const;

const POLLUTANTS = ['pm25_ugm3', 'pm10_ugm3', 'no2_ugm3', 'o3_ugm3', 'so2_ugm3'] as const;
const pollutantsOf = (body: Body): Body => Object.fromEntries(POLLUTANTS.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]));

/** Background NO2 by exposure, µg/m³ (ATMO Hauts-de-France annual means, rounded). */
const NO2_BACKGROUND = { urban: 18, traffic: 32, suburban: 11 } as const;

/**
 * Outdoor air-quality station (ATMO pollutants, µg/m³): NO2 follows traffic, O3 builds up
 * on sunny summer afternoons and is eaten by NO2, particles rise in cold stable weather
 * (heating) and with traffic. Mostly "bon" to "moyen", with the regional episodes of the
 * shared Environment (particles in spring and winter, ozone in summer) crossing the
 * information thresholds (PM10 daily mean 50 µg/m³, O3 hourly 180 µg/m³).
 */
export class AirStationModel extends DeviceModel {
  private readonly no2Base: number;
  private readonly noise: number[] = [0, 0, 0];
  private lastPollutants: Body | undefined;
  private stuck: Body | undefined;

  constructor(device: SimDevice, env: Environment, seed: Seed) {
    super(device, env, seed);
    const exposure = this.str<keyof typeof NO2_BACKGROUND>('exposure', 'urban');
    this.no2Base = NO2_BACKGROUND[exposure] ?? NO2_BACKGROUND.urban;
  }

  telemetry(ts: number): Body {
    const dtS = this.advance(ts);
    const t = parisTime(ts);
    const traffic = this.env.traffic(t);
    const outdoor = this.env.outdoorC(ts, t);
    const anomaly = this.env.anomalyC(ts);
    // Slowly varying local noise (AR(1), ≈ 2 h memory): measurements are not white.
    const keep = Math.exp(-dtS / 7_200);
    for (let i = 0; i < this.noise.length; i++) this.noise[i] = this.noise[i]! * keep + this.rng.normal(0, Math.sqrt(1 - keep * keep) || 1);

    const summer = 0.5 - 0.5 * Math.cos((2 * Math.PI * (t.dayOfYear - 15)) / 365.25);
    const sun = Math.max(0, Math.sin((Math.PI * (t.hour - 6)) / 14)); // 06:00–20:00
    const cold = clamp((8 - outdoor) / 15, 0, 1); // wood heating and inversions

    // A regional episode adds the same load at every station, give or take local noise.
    const episode = this.env.episodeAt(ts);
    const no2 = this.no2Base * (0.45 + 1.1 * traffic) * (1 + 0.35 * cold) * Math.exp(0.25 * this.noise[0]!);
    const o3 = Math.max(2, (28 + 70 * summer * sun + 3 * anomaly + episode.o3 * sun) * Math.exp(0.15 * this.noise[1]!) - 0.35 * no2);
    const pm10 = (12 + 10 * cold + 5 * traffic - 1.2 * anomaly + episode.pm10) * Math.exp(0.25 * this.noise[2]!);
    // Episode particles are fine (secondary nitrate, combustion): PM2.5 takes most of them.
    const pm25 = pm10 * (0.55 + 0.15 * cold + (episode.pm10 > 0 ? (0.15 * episode.pm10) / (episode.pm10 + 20) : 0));
    const injectedDrift = this.injected('sensor_drift', ts);
    const drift =
      (this.fault === 'sensor_drift' ? 1.6 : 1) * (injectedDrift ? 1 + Math.min(PM_DRIFT_MAX, (PM_DRIFT_PER_H * (ts - injectedDrift.at)) / 3_600_000) : 1);
    const body: Body = {
      pm25_ugm3: round1(clamp(pm25 * drift, 0, 10_000)),
      pm10_ugm3: round1(clamp(pm10 * drift, 0, 10_000)),
      no2_ugm3: round1(clamp(no2, 0, 10_000)),
      o3_ugm3: round1(clamp(o3, 0, 10_000)),
      so2_ugm3: round1(clamp(1.5 + 1.5 * cold + this.rng.normal(0, 0.3), 0.1, 10_000)),
      temp_c: round1(clamp(outdoor + this.rng.normal(0, 0.2), -50, 60)),
      rh_pct: round1(clamp(this.env.outdoorRhPct(ts, t) + this.rng.normal(0, 1.5), 0, 100)),
    };
    // A failed particle counter reports nothing rather than a guess (the ATMO index is then "indisponible").
    if (this.fault === 'sensor_fault') {
      delete body.pm25_ugm3;
      delete body.pm10_ugm3;
    }
    // A stuck analyser repeats the pollutant values it last reported.
    if (this.injected('sensor_stuck', ts)) {
      this.stuck ??= this.lastPollutants ?? pollutantsOf(body);
      Object.assign(body, this.stuck);
    } else {
      this.stuck = undefined;
    }
    this.lastPollutants = pollutantsOf(body);
    return body;
  }

  event(_ts: number): Body {
    return this.faultEvent(AIR_STATION_FAULTS);
  }
}
