import { Injectable } from '@nestjs/common';
import { DEVICE_TYPES, MEASUREMENTS } from '@hv/contracts';
import { priceEnergy, type EnergyFactors } from '@hv/energy-pricing';
import { placeOf } from '@hv/lighting';
import { LUMINAIRE_DEFAULTS } from '@hv/rules';
import { DeviceInventoryRepository, type LuminaireSums } from '../device-inventory.repository';
import { addSavings, noSavings, pct, round3, roundSavings, type Savings } from '../figures';
import type { KpiPeriod } from '../period';
import { RollupReader, type TenantSet } from '../rollup.reader';
import type { TenantRules } from '../tenant-rules';
import type { TerritoryGroups } from '../territory';
import { darkHours } from './dark-hours';

/** A luminaire controller reports every 10 minutes (DEVICE-CONTRACT.md): the readings a period should hold. */
const READING_INTERVAL_MS = DEVICE_TYPES['lighting-controller'].expectedIntervalS * 1000;
/**
 * Savings are claimed for a tenant only when its luminaires sent at least this share of
 * their readings, %: a luminaire that was never heard has no meter advance, and would
 * otherwise "save" its whole baseline.
 */
export const MIN_READINGS_PCT = 90;

/** A tenant's (or a group's: they add up) public lighting over a period. */
export interface LightingFigures {
  /** Luminaire controllers in service during some of the period. */
  luminaires: number;
  /** Of which without a rated power in the registry: the rules' default is assumed. */
  unrated: number;
  /** Full-output power of those still in service at the end of the period, W. */
  installedW: number;
  /** Full-output power from every sunset to the next sunrise of the period, kWh. */
  baselineKwh: number;
  /** What the luminaires' own meters advanced by, kWh (the hourly and daily rollups). */
  consumedKwh: number;
  readings: number;
  expectedReadings: number;
  /** Tenants whose luminaires sent fewer than MIN_READINGS_PCT of their readings: left out of the savings. */
  shortOfReadings: number;
  /** The baseline of the tenants the savings are claimed for. */
  savedOfBaselineKwh: number;
  /** Baseline − consumed of the tenants with enough readings, priced with each tenant's electricity factors. */
  savings: Savings;
}

/**
 * The full-output power of summed luminaires, W: what `fullOutputW` (@hv/rules) gives each
 * of them, added up: rated × losses, the rules' defaults standing in for what the registry
 * leaves out (60 W; +12 % for sodium, +6 % otherwise).
 */
export function installedPowerW(s: LuminaireSums): number {
  const d = LUMINAIRE_DEFAULTS;
  return (
    s.ratedTimesLoss +
    s.ratedHps * d.lossFactor.hps +
    s.ratedOther * d.lossFactor.led +
    s.lossUnrated * d.ratedPowerW +
    d.ratedPowerW * (s.bareHps * d.lossFactor.hps + s.bareOther * d.lossFactor.led)
  );
}

/**
 * Where a tenant's sun is read: the 0.01° cell of its luminaires' mean position (as
 * telegestion reads each luminaire's); without positions, the centre of the Aisne, as
 * telegestion does too.
 */
export function placeOfLuminaires(list: readonly LuminaireSums[]): { lat: number; lon: number } {
  const placed = list.reduce((n, m) => n + m.placed, 0);
  if (placed === 0) return placeOf({ attributes: {} });
  return placeOf({ attributes: { lat: list.reduce((s, m) => s + m.latSum, 0) / placed, lon: list.reduce((s, m) => s + m.lonSum, 0) / placed } });
}

/**
 * One tenant's lighting figures from its luminaires (registry), the darkness at its place,
 * and what its meters recorded (rollups). A luminaire retired during the period counts
 * until its retirement.
 */
export function lightingFigures(
  models: readonly LuminaireSums[],
  place: { lat: number; lon: number },
  period: KpiPeriod,
  metered: { energy_wh: number; readings: number } | undefined,
  factors: EnergyFactors,
): LightingFigures {
  let luminaires = 0;
  let unrated = 0;
  let installedW = 0;
  let baselineWh = 0;
  let serviceMs = 0;
  const darkUntil = new Map<number, number>();
  for (const m of models) {
    const endMs = Math.min(period.toMs, m.retiredAtMs ?? Number.POSITIVE_INFINITY);
    const watts = installedPowerW(m);
    let dark = darkUntil.get(endMs);
    if (dark === undefined) darkUntil.set(endMs, (dark = darkHours(period.fromMs, endMs, place)));
    luminaires += m.count;
    unrated += m.unrated;
    if (m.retiredAtMs === null || m.retiredAtMs >= period.toMs) installedW += watts;
    baselineWh += watts * dark;
    serviceMs += Math.max(0, endMs - period.fromMs) * m.count;
  }
  const baselineKwh = baselineWh / 1000;
  const consumedKwh = (metered?.energy_wh ?? 0) / 1000;
  const readings = metered?.readings ?? 0;
  const expectedReadings = serviceMs / READING_INTERVAL_MS;
  const enough = expectedReadings > 0 && (readings / expectedReadings) * 100 >= MIN_READINGS_PCT;
  return {
    luminaires,
    unrated,
    installedW,
    baselineKwh,
    consumedKwh,
    readings,
    expectedReadings,
    shortOfReadings: expectedReadings > 0 && !enough ? 1 : 0,
    savedOfBaselineKwh: enough ? baselineKwh : 0,
    savings: enough ? priceEnergy(baselineKwh - consumedKwh, 'electricity', factors) : noSavings(),
  };
}

export function foldLighting(parts: readonly LightingFigures[]): LightingFigures {
  const out: LightingFigures = { luminaires: 0, unrated: 0, installedW: 0, baselineKwh: 0, consumedKwh: 0, readings: 0, expectedReadings: 0, shortOfReadings: 0, savedOfBaselineKwh: 0, savings: noSavings() };
  for (const p of parts) {
    out.shortOfReadings += p.shortOfReadings;
    out.savedOfBaselineKwh += p.savedOfBaselineKwh;
    out.luminaires += p.luminaires;
    out.unrated += p.unrated;
    out.installedW += p.installedW;
    out.baselineKwh += p.baselineKwh;
    out.consumedKwh += p.consumedKwh;
    out.readings += p.readings;
    out.expectedReadings += p.expectedReadings;
    addSavings(out.savings, p.savings);
  }
  return out;
}

/** As the API answers it. */
export function lightingAnswer(f: LightingFigures) {
  return {
    luminaires: f.luminaires,
    luminaires_unrated: f.unrated,
    installed_kw: round3(f.installedW / 1000),
    baseline_kwh: round3(f.baselineKwh),
    consumed_kwh: round3(f.consumedKwh),
    savings: roundSavings(f.savings),
    savings_pct: pct(f.savings.kwh, f.savedOfBaselineKwh),
    /**
     * Readings received / expected at the contract's 10-minute interval, capped at 100 %
     * (a controller reporting faster fills no other's gap): well below 100 %, the meters'
     * advance is still counted, but the savings of luminaires that never reported are not real.
     */
    coverage_pct: f.expectedReadings > 0 ? Math.min(100, pct(f.readings, f.expectedReadings)!) : null,
    /** Tenants left out of the savings: their luminaires sent fewer than MIN_READINGS_PCT of their readings. */
    tenants_short_of_readings: f.shortOfReadings,
  };
}

/**
 * Public lighting's energy and savings per tenant. The baseline is what the luminaires would
 * use lit at full output from sunset to sunrise (a twilight switch, no dimming, no
 * extinction); the consumption is what their own meters advanced by, read from the rollups
 * (per commune and hour or day) rather than the raw readings: 30 days of the Aisne's
 * ≈ 90,000 luminaires are ≈ 390 million raw points, ≈ 60,000 rollup points.
 */
@Injectable()
export class LightingEnergyService {
  constructor(
    private readonly inventory: DeviceInventoryRepository,
    private readonly rollups: RollupReader,
  ) {}

  async perTenant(tenants: TenantSet, period: KpiPeriod, territory: TerritoryGroups, rules: TenantRules): Promise<Map<string, LightingFigures>> {
    const [models, metered] = await Promise.all([
      this.inventory.luminaires(tenants, period.fromMs),
      this.rollups.sums(MEASUREMENTS.lightingRollup, ['energy_wh', 'readings'], period, tenants),
    ]);
    const byTenant = new Map<string, LuminaireSums[]>();
    for (const m of models) (byTenant.get(m.tenant) ?? byTenant.set(m.tenant, []).get(m.tenant)!).push(m);
    for (const tenant of metered.keys()) if (!byTenant.has(tenant)) byTenant.set(tenant, []);
    const out = new Map<string, LightingFigures>();
    for (const [tenant, list] of byTenant) {
      out.set(tenant, lightingFigures(list, placeOfLuminaires(list), period, metered.get(tenant) as { energy_wh: number; readings: number } | undefined, rules.of(tenant, territory).factors));
    }
    return out;
  }
}

