import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, fullOutputW } from '@hv/rules';
import type { LuminaireSums } from '../device-inventory.repository';
import { darkHours } from './dark-hours';
import { foldLighting, installedPowerW, lightingAnswer, lightingFigures } from './lighting-energy';

const LAON = { lat: 49.56, lon: 3.62 };
const period = { fromMs: Date.parse('2026-01-12T12:00:00Z'), toMs: Date.parse('2026-01-19T12:00:00Z') };
const dark = darkHours(period.fromMs, period.toMs, LAON);
/** Readings of `n` luminaires reporting every 10 minutes through the period. */
const readingsOf = (n: number) => (n * (period.toMs - period.fromMs)) / 600_000;
type Luminaire = { rated_power_w?: number; loss_factor?: number; technology?: string };
/** Luminaires as the registry query sums them (device-inventory.repository.ts). */
function sums(list: Luminaire[], retiredAtMs: number | null = null): LuminaireSums {
  const s: LuminaireSums = { tenant: '02408', retiredAtMs, count: list.length, unrated: 0, ratedTimesLoss: 0, ratedHps: 0, ratedOther: 0, lossUnrated: 0, bareHps: 0, bareOther: 0, latSum: 0, lonSum: 0, placed: 0 };
  for (const l of list) {
    const hps = l.technology === 'hps';
    if (l.rated_power_w === undefined) s.unrated++;
    if (l.rated_power_w !== undefined && l.loss_factor !== undefined) s.ratedTimesLoss += l.rated_power_w * l.loss_factor;
    else if (l.rated_power_w !== undefined) s[hps ? 'ratedHps' : 'ratedOther'] += l.rated_power_w;
    else if (l.loss_factor !== undefined) s.lossUnrated += l.loss_factor;
    else s[hps ? 'bareHps' : 'bareOther']++;
  }
  return s;
}
const model = (over: { retiredAtMs?: number; count?: number } = {}) => sums(Array.from({ length: over.count ?? 2 }, () => ({ rated_power_w: 50, loss_factor: 1.05, technology: 'led' })), over.retiredAtMs ?? null);

describe('lighting energy figures', () => {
  it('takes full output power (rated × losses) from every sunset to sunrise as the baseline, and prices baseline − consumed', () => {
    const f = lightingFigures([model()], LAON, period, { energy_wh: 40_000, readings: readingsOf(2) }, DEFAULT_RULES.factors);
    expect(f.installedW).toBeCloseTo(105, 9);
    expect(f.baselineKwh).toBeCloseTo((105 * dark) / 1000, 9);
    expect(f.savings.kwh).toBeCloseTo(f.baselineKwh - 40, 9);
    expect(f.savings.eur).toBeCloseTo(f.savings.kwh * 0.2, 9);
    expect(f.savings.kgco2).toBeCloseTo(f.savings.kwh * 0.06, 9);
  });

  it('assumes the rules\' defaults for a luminaire the registry does not rate (60 W, +6 % LED, +12 % sodium) and says how many', () => {
    const f = lightingFigures([sums([{ technology: 'hps' }, {}, { loss_factor: 1.1 }])], LAON, period, undefined, DEFAULT_RULES.factors);
    expect(f.installedW).toBeCloseTo(60 * 1.12 + 60 * 1.06 + 60 * 1.1, 9);
    expect(f.unrated).toBe(3);
  });

  it('sums a fleet\'s full-output power as the rules\' fullOutputW gives it luminaire by luminaire, whatever the registry leaves out', () => {
    const fleet: Luminaire[] = [];
    for (let i = 0; i < 200; i++) {
      const l: Luminaire = {};
      if (i % 3) l.rated_power_w = 30 + (i % 8) * 10;
      if (i % 5 === 0) l.loss_factor = 1.03 + (i % 7) / 100;
      if (i % 4 === 0) l.technology = 'hps';
      else if (i % 4 === 1) l.technology = 'led';
      fleet.push(l);
    }
    expect(installedPowerW(sums(fleet))).toBeCloseTo(fleet.reduce((w, l) => w + fullOutputW(l), 0), 6);
  });

  it('counts a luminaire retired during the period until its retirement only', () => {
    const retiredAtMs = period.fromMs + 3 * 86_400_000;
    const f = lightingFigures([model({ retiredAtMs, count: 1 })], LAON, period, undefined, DEFAULT_RULES.factors);
    expect(f.baselineKwh).toBeCloseTo((52.5 * darkHours(period.fromMs, retiredAtMs, LAON)) / 1000, 9);
    expect(f.installedW).toBe(0);
    expect(f.expectedReadings).toBeCloseTo((3 * 86_400_000) / 600_000, 9);
  });

  it('claims no savings for a commune whose luminaires sent under 90 % of their readings (a silent meter saves nothing)', () => {
    const silent = lightingFigures([model()], LAON, period, { energy_wh: 0, readings: 0.5 * readingsOf(2) }, DEFAULT_RULES.factors);
    expect(silent.savings).toEqual({ kwh: 0, eur: 0, kgco2: 0 });
    expect(silent.shortOfReadings).toBe(1);
    const heard = lightingFigures([model()], LAON, period, { energy_wh: 20_000, readings: readingsOf(2) }, DEFAULT_RULES.factors);
    const answer = lightingAnswer(foldLighting([silent, heard]));
    expect(answer.tenants_short_of_readings).toBe(1);
    expect(answer.baseline_kwh).toBeCloseTo(2 * heard.baselineKwh, 2);
    // The share saved is the heard commune's, not diluted by the silent one's baseline.
    expect(answer.savings_pct).toBeCloseTo((heard.savings.kwh / heard.baselineKwh) * 100, 1);
    expect(answer.coverage_pct).toBe(75);
  });
});
