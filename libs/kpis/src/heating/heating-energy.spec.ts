import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '@hv/rules';
import { foldHeating, heatingFigures } from './heating-energy';

const readings = (over: Partial<Parameters<typeof heatingFigures>[0]> = {}) => ({
  boilerRooms: 1,
  consumedKwh: 900,
  referenceKwh: 1_200,
  dju: { dju: 60, days: 7 },
  referenceDju: { dju: 80, days: 7 },
  ...over,
});

describe('heating figures normalised by degree-days', () => {
  it('brings the reference to the period\'s climate (reference × DJU / DJU ref) and saves the difference, priced as gas', () => {
    const f = heatingFigures(readings(), DEFAULT_RULES.factors);
    expect(f.normalisedReferenceKwh).toBeCloseTo(900, 9); // 1,200 × 60 / 80
    expect(f.savings.kwh).toBeCloseTo(0, 9);
    const colder = heatingFigures(readings({ consumedKwh: 800 }), DEFAULT_RULES.factors);
    expect(colder.savings).toEqual({ kwh: 100, eur: 100 * 0.1, kgco2: expect.closeTo(22.7, 9) });
  });

  it('leaves out of the savings a tenant without gas or degree-days in its reference, and counts it', () => {
    const none = heatingFigures(readings({ referenceKwh: 0 }), DEFAULT_RULES.factors);
    const summer = heatingFigures(readings({ referenceDju: { dju: 0, days: 7 } }), DEFAULT_RULES.factors);
    const ok = heatingFigures(readings({ consumedKwh: 800 }), DEFAULT_RULES.factors);
    const all = foldHeating([none, summer, ok]);
    expect(all.normalisedTenants).toBe(1);
    expect(all.savings.kwh).toBeCloseTo(100, 9);
    expect(all.consumedKwh).toBe(2_600);
  });
});
