import { describe, expect, it } from 'vitest';
import { DEFAULT_ENERGY_FACTORS, energyFactorsSchema, priceEnergy } from './energy-pricing';

describe('energy pricing', () => {
  it('has the DOMAIN.md defaults, each overridable alone', () => {
    expect(DEFAULT_ENERGY_FACTORS).toEqual({ eur_per_kwh_electricity: 0.2, eur_per_kwh_gas: 0.1, kgco2_per_kwh_electricity: 0.06, kgco2_per_kwh_gas: 0.227 });
    expect(energyFactorsSchema.parse({ eur_per_kwh_gas: 0.12 })).toEqual({ ...DEFAULT_ENERGY_FACTORS, eur_per_kwh_gas: 0.12 });
  });

  it('names the field of a bad factor and refuses unknown ones', () => {
    const bad = energyFactorsSchema.safeParse({ eur_per_kwh_electricity: -1 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(['eur_per_kwh_electricity']);
    expect(energyFactorsSchema.safeParse({ eur_per_kwh_fuel: 1 }).success).toBe(false);
  });

  it('prices electricity and gas with their own factors', () => {
    expect(priceEnergy(100, 'electricity', DEFAULT_ENERGY_FACTORS)).toEqual({ kwh: 100, eur: 20, kgco2: expect.closeTo(6, 9) });
    expect(priceEnergy(100, 'gas', DEFAULT_ENERGY_FACTORS)).toEqual({ kwh: 100, eur: 10, kgco2: expect.closeTo(22.7, 9) });
  });
});
