import { Injectable } from '@nestjs/common';
import { airAnswer, AirQualityService, foldAir, type AirFigures } from '../air/air-quality.service';
import { ConnectedObjectsRepository, COUNTS_TTL_MS, totalsByDomain, type ConnectedObjects } from '../connected-objects.repository';
import { energyAnswer, EnergyKpiService, foldEnergy, type EnergyFigures } from '../energy.service';
import { sumOf } from '../figures';
import { ParkingService, foldParking, parkingAnswer, type ParkingFigures } from '../parking/parking.service';
import { isoOf, type KpiPeriod } from '../period';
import { KpiCache, questionKey } from '../kpi-cache';
import type { TenantSet } from '../rollup.reader';
import { TenantRules } from '../tenant-rules';
import type { TerritoryGroups } from '../territory';

/** Everything the report knows of one tenant. */
interface TenantReport {
  objects: ConnectedObjects[];
  energy: EnergyFigures | undefined;
  air: AirFigures | undefined;
  parking: ParkingFigures | undefined;
}

/** One row of the report: an EPCI (a commune when the key does not see its whole EPCI), or the total. */
export type CdnReportRow = ReturnType<typeof rowOf>;

export interface CdnReport {
  period: { from: string; to: string };
  /** The heating savings' reference period. */
  reference: { from: string; to: string };
  rows: CdnReportRow[];
  /** The département when the key sees the whole territory (operator, CDN), else the total of what it sees. */
  total: CdnReportRow;
}

function rowOf(level: 'epci' | 'commune' | 'departement' | 'total', tenant: string | null, name: string | null, parts: readonly TenantReport[], period: KpiPeriod, reference: KpiPeriod) {
  const present = <T>(pick: (r: TenantReport) => T | undefined) => parts.map(pick).filter((x): x is T => x !== undefined);
  const objects = totalsByDomain(parts.flatMap((p) => p.objects));
  return {
    level,
    tenant,
    name,
    tenants: parts.length,
    connected_objects: {
      registered: sumOf(objects, (o) => o.registered),
      ok: sumOf(objects, (o) => o.ok),
      faulty: sumOf(objects, (o) => o.faulty),
      offline: sumOf(objects, (o) => o.offline),
      by_domain: objects,
    },
    energy: energyAnswer(foldEnergy(present((p) => p.energy)), reference, present((p) => p.energy).length),
    air: airAnswer(foldAir(present((p) => p.air)), period),
    parking: parkingAnswer(foldParking(present((p) => p.parking))),
  };
}

/**
 * The CDN's report: its four indicators (connected objects, energy saved, air quality,
 * parking congestion) per EPCI and for the département, each computed once per tenant and
 * folded (every figure adds up, ratios come from the sums). A key that sees a commune but
 * not its whole EPCI gets the commune's row, never a row named after an EPCI it only
 * partly sees.
 */
@Injectable()
export class CdnReportService {
  constructor(
    private readonly objects: ConnectedObjectsRepository,
    private readonly energy: EnergyKpiService,
    private readonly air: AirQualityService,
    private readonly parking: ParkingService,
    private readonly rules: TenantRules,
    private readonly cache: KpiCache,
  ) {}

  /** Kept as long as its connected objects' count (COUNTS_TTL_MS) for the same question. */
  build(tenants: TenantSet, period: KpiPeriod, reference: KpiPeriod, territory: TerritoryGroups): Promise<CdnReport> {
    return this.cache.get(questionKey('report', tenants, period, reference), () => this.compute(tenants, period, reference, territory), COUNTS_TTL_MS);
  }

  private async compute(tenants: TenantSet, period: KpiPeriod, reference: KpiPeriod, territory: TerritoryGroups): Promise<CdnReport> {
    const [objects, energy, air, parking] = await Promise.all([
      this.objects.current(tenants, 'commune').then((c) => c.groups),
      this.energy.perTenant(tenants, period, reference, territory),
      this.air.perTenant(tenants, period),
      this.parking.perTenant(tenants, period, territory, this.rules),
    ]);
    const all = new Map<string, TenantReport>();
    const of = (t: string) => all.get(t) ?? all.set(t, { objects: [], energy: undefined, air: undefined, parking: undefined }).get(t)!;
    for (const o of objects) of(o.tenant).objects.push(o);
    for (const [t, e] of energy) of(t).energy = e;
    for (const [t, a] of air) of(t).air = a;
    for (const [t, p] of parking) of(t).parking = p;

    const sees = (id: string) => tenants === null || tenants.includes(id);
    const areaOf = (tenant: string) => {
      const epci = territory.epciOf(tenant);
      return epci !== null && sees(epci) ? epci : tenant;
    };
    const rows = territory.groups(all, areaOf).map(({ tenant, members }) =>
      rowOf(territory.epciOf(tenant) === tenant ? 'epci' : 'commune', tenant, territory.name(tenant), members, period, reference),
    );
    const departement = tenants === null ? territory.departement() : null;
    const total = rowOf(departement ? 'departement' : 'total', departement, departement ? territory.name(departement) : null, [...all.values()], period, reference);
    return { period: { from: isoOf(period.fromMs), to: isoOf(period.toMs) }, reference: { from: isoOf(reference.fromMs), to: isoOf(reference.toMs) }, rows, total };
  }
}
