import { z } from 'zod';

/**
 * Money and carbon factors (DOMAIN.md): electricity ≈ €0.15–0.25/kWh, 0.055–0.073
 * kgCO2e/kWh; gas 0.227 kgCO2e/kWh. A tenant overrides them in its rule configuration
 * (`factors`); every field has its default.
 */
export const energyFactorsSchema = z
  .strictObject({
    eur_per_kwh_electricity: z.number().min(0).max(5).default(0.2),
    eur_per_kwh_gas: z.number().min(0).max(5).default(0.1),
    kgco2_per_kwh_electricity: z.number().min(0).max(2).default(0.06),
    kgco2_per_kwh_gas: z.number().min(0).max(2).default(0.227),
  })
  .prefault({});

export type EnergyFactors = z.output<typeof energyFactorsSchema>;
export type EnergyCarrier = 'electricity' | 'gas';

export const DEFAULT_ENERGY_FACTORS: EnergyFactors = energyFactorsSchema.parse(undefined);

/** Energy priced with a tenant's factors: kWh, € and kgCO2e (the findings' savings and the savings KPIs alike). */
export function priceEnergy(kwh: number, carrier: EnergyCarrier, factors: EnergyFactors): { kwh: number; eur: number; kgco2: number } {
  const gas = carrier === 'gas';
  return {
    kwh,
    eur: kwh * (gas ? factors.eur_per_kwh_gas : factors.eur_per_kwh_electricity),
    kgco2: kwh * (gas ? factors.kgco2_per_kwh_gas : factors.kgco2_per_kwh_electricity),
  };
}
