import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '@hv/rules';
import { darkHours } from './dark-hours';
import { foldLighting, lightingAnswer, lightingFigures } from './lighting-energy';

const LAON = { lat: 49.56, lon: 3.62 };
const period = { fromMs: Date.parse('2026-01-12T12:00:00Z'), toMs: Date.parse('2026-01-19T12:00:00Z') };
const dark = darkHours(period.fromMs, period.toMs, LAON);
/** Readings of `n` luminaires reporting every 10 minutes through the period. */
const readingsOf = (n: number) => (n * (period.toMs - period.fromMs)) / 600_000;
const model = (over: Partial<Parameters<typeof lightingFigures>[0][number]> = {}) => ({ tenant: '02408', retiredAtMs: null, ratedPowerW: 50, lossFactor: 1.05, technology: 'led', count: 2, ...over });

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
    const f = lightingFigures([model({ ratedPowerW: null, lossFactor: null, technology: 'hps', count: 1 }), model({ ratedPowerW: null, lossFactor: null, technology: null, count: 1 })], LAON, period, undefined, DEFAULT_RULES.factors);
    expect(f.installedW).toBeCloseTo(60 * 1.12 + 60 * 1.06, 9);
    expect(f.unrated).toBe(2);
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
