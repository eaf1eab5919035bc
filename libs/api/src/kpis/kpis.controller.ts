import { Controller, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { tenantIdSchema } from '@hv/contracts';
import {
  airAnswer,
  AirQualityService,
  ConnectedObjectsRepository,
  energyAnswer,
  EnergyKpiService,
  foldAir,
  foldEnergy,
  foldParking,
  grouped,
  isoOf,
  KpiCache,
  parkingAnswer,
  ParkingService,
  TenantRules,
  questionKey,
  TerritoryLoader,
  totalsByDomain,
  type KpiGrouping,
  type KpiPeriod,
  type TerritoryGroups,
} from '@hv/kpis';
import { TenantRepository } from '@hv/state';
import { z } from 'zod';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ApiRoute, defineRoute, Input, type RouteInput } from '../http/route';
import { byQuery, checkPeriod, checkReference, periodOf, periodQuery, referenceOf, referenceQuery, tenantsOf } from './kpi-query';

export const connectedObjects = defineRoute({
  method: 'GET',
  path: 'kpis/connected-objects',
  summary: 'Connected objects by domain and state (ok, faulty, offline; retired apart), per commune, EPCI or département',
  tag: 'kpis',
  access: 'aggregate',
  query: z.object({
    /** Only this tenant's devices (a commune, or an EPCI with its communes). */
    tenant: tenantIdSchema.optional(),
    by: byQuery('commune'),
  }),
});

export const energyKpi = defineRoute({
  method: 'GET',
  path: 'kpis/energy',
  summary:
    'Energy and savings over a period, per commune, EPCI or département: public lighting against full power from sunset to sunrise, heating against a reference period normalised by degree-days (base 18), and the findings cleared (kWh, €, kgCO2)',
  tag: 'kpis',
  access: 'aggregate',
  query: z.object({ ...periodQuery, by: byQuery('commune'), ...referenceQuery }).superRefine(checkPeriod).superRefine(checkReference),
});

export const airQualityKpi = defineRoute({
  method: 'GET',
  path: 'kpis/air-quality',
  summary: 'ATMO index of every Paris day of a period ("indisponible" when no station has one) and information/alert threshold exceedances, per EPCI (default), commune or département',
  tag: 'kpis',
  access: 'aggregate',
  query: z.object({ ...periodQuery, by: byQuery('epci') }).superRefine(checkPeriod),
});

export const parkingKpi = defineRoute({
  method: 'GET',
  path: 'kpis/parking',
  summary: 'Parking congestion over a period: occupancy, rotation, mean stay, overstays and saturated hours, on-street and off-street, per commune, EPCI or département',
  tag: 'kpis',
  access: 'aggregate',
  query: z.object({ ...periodQuery, by: byQuery('commune') }).superRefine(checkPeriod),
});

const periodAnswer = (p: KpiPeriod) => ({ from: isoOf(p.fromMs), to: isoOf(p.toMs) });

/** The KPIs: counts and sums per commune, EPCI or département, never a device (access `aggregate`). */
@Controller()
export class KpisController {
  constructor(
    private readonly objects: ConnectedObjectsRepository,
    private readonly energy: EnergyKpiService,
    private readonly air: AirQualityService,
    private readonly parking: ParkingService,
    private readonly rules: TenantRules,
    private readonly territories: TerritoryLoader,
    private readonly tenants: TenantRepository,
    private readonly cache: KpiCache,
  ) {}

  /**
   * A period KPI's answer: the caller's tenants resolved, then the figures folded into the
   * groups asked for, once per question and kept like its figures (KpiCache; folding 800
   * communes costs ≈ 25 ms). The answer is kept serialised: serialising the territory's
   * energy by commune again at each request was most of what a cached answer cost the API.
   */
  private async periodKpi<A extends object>(
    kpi: string,
    query: { tenant?: string; by: KpiGrouping },
    caller: Caller,
    period: KpiPeriod,
    reference: KpiPeriod | null,
    reply: FastifyReply,
    fold: (tenants: readonly string[] | null, territory: TerritoryGroups) => Promise<A>,
  ): Promise<string> {
    const territory = await this.territories.load();
    const tenants = await tenantsOf(caller, query.tenant, this.tenants, territory);
    const json = await this.cache.get(questionKey(`${kpi}-answer`, tenants, period, ...(reference ? [reference] : []), query.by), async () =>
      JSON.stringify({
        period: periodAnswer(period),
        ...(reference ? { reference: periodAnswer(reference) } : {}),
        by: query.by,
        ...(await fold(tenants, territory)),
      }),
    );
    void reply.header('content-type', 'application/json; charset=utf-8');
    return json;
  }

  @ApiRoute(connectedObjects)
  async connected(@Input() input: RouteInput<typeof connectedObjects>, @CurrentCaller() caller: Caller) {
    const { tenant, by } = input.query;
    const tenants = await tenantsOf(caller, tenant, this.tenants, await this.territories.load());
    const { asOf, groups } = await this.objects.current(tenants, by);
    return { asOf, by, groups, totals: totalsByDomain(groups) };
  }

  @ApiRoute(energyKpi)
  energyOf(@Input() input: RouteInput<typeof energyKpi>, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) reply: FastifyReply) {
    const period = periodOf(input.query);
    const reference = referenceOf(input.query, period);
    return this.periodKpi('energy', input.query, caller, period, reference, reply, async (tenants, territory) =>
      grouped(await this.energy.perTenant(tenants, period, reference, territory), territory, input.query.by, foldEnergy, (f, n) => energyAnswer(f, reference, n)),
    );
  }

  @ApiRoute(airQualityKpi)
  airOf(@Input() input: RouteInput<typeof airQualityKpi>, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) reply: FastifyReply) {
    const period = periodOf(input.query);
    return this.periodKpi('air', input.query, caller, period, null, reply, async (tenants, territory) =>
      grouped(await this.air.perTenant(tenants, period), territory, input.query.by, foldAir, (f) => airAnswer(f, period)),
    );
  }

  @ApiRoute(parkingKpi)
  parkingOf(@Input() input: RouteInput<typeof parkingKpi>, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) reply: FastifyReply) {
    const period = periodOf(input.query);
    return this.periodKpi('parking', input.query, caller, period, null, reply, async (tenants, territory) =>
      grouped(await this.parking.perTenant(tenants, period, territory, this.rules), territory, input.query.by, foldParking, parkingAnswer),
    );
  }
}
