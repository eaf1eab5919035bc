import { Injectable } from '@nestjs/common';
import { MEASUREMENTS } from '@hv/contracts';
import { priceEnergy, type EnergyFactors } from '@hv/energy-pricing';
import { DeviceInventoryRepository } from '../device-inventory.repository';
import { addSavings, noSavings, pct, round2, round3, roundSavings, type Savings } from '../figures';
import { DAY_MS, isoOf, type KpiPeriod } from '../period';
import { RollupReader, type TenantSet } from '../rollup.reader';
import type { TenantRules } from '../tenant-rules';
import type { TerritoryGroups } from '../territory';
import { degreeDaysOver, type DayExtremes } from './degree-days';

/** A tenant's (or a group's: they add up) boiler rooms over a period and its reference. */
export interface HeatingFigures {
  boilerRooms: number;
  /** Gas the boiler rooms' meters advanced by, kWh (PCS). */
  consumedKwh: number;
  referenceKwh: number;
  /** Degree-days summed over the tenants (a group's mean is djuSum / djuTenants). */
  djuSum: number;
  referenceDjuSum: number;
  djuTenants: number;
  /** Tenants whose consumption could be normalised (a reference with gas and degree-days), and what they used. */
  normalisedTenants: number;
  normalisedConsumedKwh: number;
  /** Their reference consumption brought to the period's climate: reference × DJU / DJU of the reference. */
  normalisedReferenceKwh: number;
  /** Normalised reference − consumption, priced with the tenant's gas factors. */
  savings: Savings;
}

/** What one tenant's rollups say about the period and the reference. */
export interface HeatingReadings {
  boilerRooms: number;
  consumedKwh: number;
  referenceKwh: number;
  dju: { dju: number; days: number };
  referenceDju: { dju: number; days: number };
}

/**
 * One tenant's heating figures. Consumptions are compared once normalised by degree-days
 * (DOMAIN.md: consumption × DJU_ref / DJU_period, heating share only; here the whole gas
 * consumption is taken as heating, since the boiler rooms do not meter hot water apart):
 * savings = reference × DJU / DJU_ref − consumption. Without gas or degree-days in the
 * reference there is nothing to compare with, and the tenant's savings are left out.
 */
export function heatingFigures(r: HeatingReadings, factors: EnergyFactors): HeatingFigures {
  const normalisable = r.referenceKwh > 0 && r.referenceDju.dju > 0 && r.dju.days > 0;
  const normalisedReferenceKwh = normalisable ? (r.referenceKwh * r.dju.dju) / r.referenceDju.dju : 0;
  return {
    boilerRooms: r.boilerRooms,
    consumedKwh: r.consumedKwh,
    referenceKwh: r.referenceKwh,
    djuSum: r.dju.dju,
    referenceDjuSum: r.referenceDju.dju,
    djuTenants: r.dju.days > 0 ? 1 : 0,
    normalisedTenants: normalisable ? 1 : 0,
    normalisedConsumedKwh: normalisable ? r.consumedKwh : 0,
    normalisedReferenceKwh,
    savings: normalisable ? priceEnergy(normalisedReferenceKwh - r.consumedKwh, 'gas', factors) : noSavings(),
  };
}

export function foldHeating(parts: readonly HeatingFigures[]): HeatingFigures {
  const out: HeatingFigures = { boilerRooms: 0, consumedKwh: 0, referenceKwh: 0, djuSum: 0, referenceDjuSum: 0, djuTenants: 0, normalisedTenants: 0, normalisedConsumedKwh: 0, normalisedReferenceKwh: 0, savings: noSavings() };
  for (const p of parts) {
    for (const k of ['boilerRooms', 'consumedKwh', 'referenceKwh', 'djuSum', 'referenceDjuSum', 'djuTenants', 'normalisedTenants', 'normalisedConsumedKwh', 'normalisedReferenceKwh'] as const) out[k] += p[k];
    addSavings(out.savings, p.savings);
  }
  return out;
}

/** As the API answers it; `tenants` is the number of tenants folded into the figures. */
export function heatingAnswer(f: HeatingFigures, reference: KpiPeriod, tenants: number) {
  return {
    boiler_rooms: f.boilerRooms,
    consumed_kwh: round3(f.consumedKwh),
    /** Mean over the tenants (each commune has its own weather). */
    dju: f.djuTenants ? round2(f.djuSum / f.djuTenants) : null,
    reference: {
      from: isoOf(reference.fromMs),
      to: isoOf(reference.toMs),
      consumed_kwh: round3(f.referenceKwh),
      dju: f.djuTenants ? round2(f.referenceDjuSum / f.djuTenants) : null,
    },
    normalised_reference_kwh: round3(f.normalisedReferenceKwh),
    savings: roundSavings(f.savings),
    savings_pct: pct(f.savings.kwh, f.normalisedReferenceKwh),
    /** Tenants left out of the savings for want of a reference (no gas or no degree-days in it). */
    tenants_without_reference: tenants - f.normalisedTenants,
  };
}

/**
 * Heating's gas and savings per tenant, normalised by degree-days: gas from the rollups'
 * meter advances (hourly and daily), each UTC day's outdoor min and max from the daily
 * rollup (the boiler rooms' own outdoor sensors). Cost: per period, the sums (as lighting's)
 * and one daily point per commune with boiler rooms.
 */
@Injectable()
export class HeatingEnergyService {
  constructor(
    private readonly inventory: DeviceInventoryRepository,
    private readonly rollups: RollupReader,
  ) {}

  async perTenant(tenants: TenantSet, period: KpiPeriod, reference: KpiPeriod, territory: TerritoryGroups, rules: TenantRules): Promise<Map<string, HeatingFigures>> {
    const m = MEASUREMENTS.heatingRollup;
    const [rooms, gas, referenceGas, days, referenceDays] = await Promise.all([
      this.inventory.inService(tenants, ['boiler-room']),
      this.rollups.sums(m, ['gas_kwh'], period, tenants),
      this.rollups.sums(m, ['gas_kwh'], reference, tenants),
      this.extremes(period, tenants),
      this.extremes(reference, tenants),
    ]);
    const all = new Set([...[...rooms].filter(([, n]) => n['boiler-room']).map(([t]) => t), ...gas.keys(), ...referenceGas.keys()]);
    const out = new Map<string, HeatingFigures>();
    for (const tenant of all) {
      const readings: HeatingReadings = {
        boilerRooms: rooms.get(tenant)?.['boiler-room'] ?? 0,
        consumedKwh: gas.get(tenant)?.gas_kwh ?? 0,
        referenceKwh: referenceGas.get(tenant)?.gas_kwh ?? 0,
        dju: degreeDaysOver(days.get(tenant) ?? [], period.fromMs, period.toMs),
        referenceDju: degreeDaysOver(referenceDays.get(tenant) ?? [], reference.fromMs, reference.toMs),
      };
      out.set(tenant, heatingFigures(readings, rules.of(tenant, territory).factors));
    }
    return out;
  }

  /** Each tenant's daily outdoor extremes over the UTC days the period touches. */
  private async extremes(period: KpiPeriod, tenants: TenantSet): Promise<Map<string, DayExtremes[]>> {
    const fromDay = Math.floor(period.fromMs / DAY_MS) * DAY_MS;
    const toDay = Math.ceil(period.toMs / DAY_MS) * DAY_MS;
    const rows = await this.rollups.points('d1', MEASUREMENTS.heatingRollup, ['outdoor_min_c', 'outdoor_max_c'], fromDay, toDay, tenants);
    const out = new Map<string, DayExtremes[]>();
    for (const r of rows) {
      const { outdoor_min_c: minC, outdoor_max_c: maxC } = r.values;
      if (minC === undefined || maxC === undefined) continue;
      (out.get(r.tenant) ?? out.set(r.tenant, []).get(r.tenant)!).push({ dayMs: r.timeMs, minC, maxC });
    }
    return out;
  }
}
