import { Injectable } from '@nestjs/common';
import { MEASUREMENTS } from '@hv/contracts';
import { DeviceInventoryRepository } from '../device-inventory.repository';
import { pct, round2 } from '../figures';
import { KpiCache, questionKey } from '../kpi-cache';
import type { KpiPeriod } from '../period';
import { RollupReader, type RollupRow, type TenantSet } from '../rollup.reader';
import type { TenantRules } from '../tenant-rules';
import type { TerritoryGroups } from '../territory';
import { OverstaysRepository } from './overstays.repository';

/** Spaces over hours: on-street spots or a car park's spaces. All figures are hours of a space, so they add up. */
interface SpaceHours {
  /** Space-hours occupied. */
  occupiedH: number;
  /** Space-hours available and known: observed spots (a silent sensor is not), car parks' capacity. */
  availableH: number;
  /** Arrivals (on-street) or barrier entries (car parks). */
  arrivals: number;
  /** Hours (of a commune) in which occupancy reached the saturation threshold. */
  saturatedH: number;
}

/** A tenant's (or a group's) parking over a period. */
export interface ParkingFigures {
  spots: number;
  carParks: number;
  street: SpaceHours;
  offStreet: SpaceHours;
  overstays: number;
}

const noHours = (): SpaceHours => ({ occupiedH: 0, availableH: 0, arrivals: 0, saturatedH: 0 });
const addHours = (into: SpaceHours, h: SpaceHours) => {
  into.occupiedH += h.occupiedH;
  into.availableH += h.availableH;
  into.arrivals += h.arrivals;
  into.saturatedH += h.saturatedH;
};

/**
 * One tenant's space-hours from its hourly rollup points: `occupied`/`available`/`arrivals`
 * name the fields of the measurement. An hour is saturated when its occupancy is at or above
 * the tenant's threshold (the saturation rule's `above_pct`, 90 % by default).
 */
export function spaceHours(rows: readonly RollupRow[], fields: { occupied: string; available: string; arrivals: string }, abovePct: number): SpaceHours {
  const out = noHours();
  for (const r of rows) {
    const occupied = r.values[fields.occupied] ?? 0;
    const available = r.values[fields.available] ?? 0;
    out.occupiedH += occupied;
    out.availableH += available;
    out.arrivals += r.values[fields.arrivals] ?? 0;
    if (available > 0 && (occupied / available) * 100 >= abovePct) out.saturatedH++;
  }
  return out;
}

export function foldParking(parts: readonly ParkingFigures[]): ParkingFigures {
  const out: ParkingFigures = { spots: 0, carParks: 0, street: noHours(), offStreet: noHours(), overstays: 0 };
  for (const p of parts) {
    out.spots += p.spots;
    out.carParks += p.carParks;
    addHours(out.street, p.street);
    addHours(out.offStreet, p.offStreet);
    out.overstays += p.overstays;
  }
  return out;
}

/**
 * As the API answers it. Rotation: arrivals per space and day (spaces counted as the
 * space-days observed); mean stay: occupied time / arrivals (Little's law, the estimator of
 * parking surveys: a rollup keeps no session's own start).
 */
export function parkingAnswer(f: ParkingFigures) {
  const kind = (h: SpaceHours) => ({
    occupancy_pct: pct(h.occupiedH, h.availableH),
    rotation: h.availableH > 0 ? round2((h.arrivals * 24) / h.availableH) : null,
    mean_stay_min: h.arrivals > 0 ? round2((h.occupiedH * 60) / h.arrivals) : null,
    saturated_h: h.saturatedH,
  });
  return {
    /** Occupied space-time over available space-time, on-street and off-street together: the congestion indicator. */
    occupancy_pct: pct(f.street.occupiedH + f.offStreet.occupiedH, f.street.availableH + f.offStreet.availableH),
    on_street: { spots: f.spots, observed_spot_h: round2(f.street.availableH), arrivals: f.street.arrivals, ...kind(f.street), overstays: f.overstays },
    off_street: { car_parks: f.carParks, capacity_h: round2(f.offStreet.availableH), entries: f.offStreet.arrivals, ...kind(f.offStreet) },
  };
}

/**
 * The parking KPI per tenant from the hourly rollups: on-street spots (`parking_spot_commune`,
 * occupied and observed spot-hours, arrivals) and car parks (`parking_commune`, mean
 * occupied spaces and capacity, entries), and overstays from telegestion's alarms. Cost: one
 * hourly point per commune with parking and hour (30 days of the Aisne's five towns with
 * parking: ≈ 3,600 points per measurement).
 */
@Injectable()
export class ParkingService {
  constructor(
    private readonly rollups: RollupReader,
    private readonly inventory: DeviceInventoryRepository,
    private readonly overstays: OverstaysRepository,
    private readonly cache: KpiCache,
  ) {}

  /** Kept a while per question (KpiCache). */
  perTenant(tenants: TenantSet, period: KpiPeriod, territory: TerritoryGroups, rules: TenantRules): Promise<ReadonlyMap<string, ParkingFigures>> {
    return this.cache.get(questionKey('parking', tenants, period), () => this.compute(tenants, period, territory, rules));
  }

  private async compute(tenants: TenantSet, period: KpiPeriod, territory: TerritoryGroups, rules: TenantRules): Promise<Map<string, ParkingFigures>> {
    const [devices, street, offStreet, overstays] = await Promise.all([
      this.inventory.inService(tenants, ['parking-spot', 'car-park']),
      this.rollups.points('h1', MEASUREMENTS.spotRollup, ['occupied_h', 'observed_h', 'arrivals'], period.fromMs, period.toMs, tenants),
      this.rollups.points('h1', MEASUREMENTS.parkingRollup, ['occupied', 'capacity', 'entries'], period.fromMs, period.toMs, tenants),
      this.overstays.perTenant(tenants, period),
    ]);
    const byTenant = (rows: RollupRow[]) => {
      const m = new Map<string, RollupRow[]>();
      for (const r of rows) (m.get(r.tenant) ?? m.set(r.tenant, []).get(r.tenant)!).push(r);
      return m;
    };
    const streetOf = byTenant(street);
    const offStreetOf = byTenant(offStreet);
    const all = new Set([...[...devices].filter(([, n]) => n['parking-spot'] || n['car-park']).map(([t]) => t), ...streetOf.keys(), ...offStreetOf.keys(), ...overstays.keys()]);
    const out = new Map<string, ParkingFigures>();
    for (const tenant of all) {
      const abovePct = rules.of(tenant, territory).saturation.above_pct;
      out.set(tenant, {
        spots: devices.get(tenant)?.['parking-spot'] ?? 0,
        carParks: devices.get(tenant)?.['car-park'] ?? 0,
        street: spaceHours(streetOf.get(tenant) ?? [], { occupied: 'occupied_h', available: 'observed_h', arrivals: 'arrivals' }, abovePct),
        // A car park's hourly point: its mean occupied spaces and its capacity over the hour, i.e. space-hours.
        offStreet: spaceHours(offStreetOf.get(tenant) ?? [], { occupied: 'occupied', available: 'capacity', arrivals: 'entries' }, abovePct),
        overstays: overstays.get(tenant) ?? 0,
      });
    }
    return out;
  }
}
