import { Injectable } from '@nestjs/common';
import { addSavings, noSavings, roundSavings } from './figures';
import { FindingsRepository, findingsAnswer, foldFindings, type FindingFigures } from './findings.repository';
import { foldHeating, heatingAnswer, HeatingEnergyService, type HeatingFigures } from './heating/heating-energy';
import { foldLighting, LightingEnergyService, lightingAnswer, type LightingFigures } from './lighting/lighting-energy';
import { KpiCache, questionKey } from './kpi-cache';
import type { KpiPeriod } from './period';
import type { TenantSet } from './rollup.reader';
import { TenantRules } from './tenant-rules';
import type { TerritoryGroups } from './territory';

const EMPTY_FINDINGS: FindingFigures = { cleared: 0, savings: noSavings(), byDomain: {} };

/** A tenant's (or a group's) energy figures: public lighting, boiler rooms, findings. */
export interface EnergyFigures {
  lighting: LightingFigures;
  heating: HeatingFigures;
  findings: FindingFigures;
}

export function foldEnergy(parts: readonly EnergyFigures[]): EnergyFigures {
  return { lighting: foldLighting(parts.map((p) => p.lighting)), heating: foldHeating(parts.map((p) => p.heating)), findings: foldFindings(parts.map((p) => p.findings)) };
}

/** As the API answers it: each domain, and `saved`, lighting's and heating's metered savings together. */
export function energyAnswer(f: EnergyFigures, reference: KpiPeriod, tenants: number) {
  return {
    saved: roundSavings(addSavings(addSavings(noSavings(), f.lighting.savings), f.heating.savings)),
    lighting: lightingAnswer(f.lighting),
    heating: heatingAnswer(f.heating, reference, tenants),
    findings: findingsAnswer(f.findings),
  };
}

/** The energy KPI per tenant: what each domain's service computes, side by side. */
@Injectable()
export class EnergyKpiService {
  constructor(
    private readonly lighting: LightingEnergyService,
    private readonly heating: HeatingEnergyService,
    private readonly findings: FindingsRepository,
    private readonly rules: TenantRules,
    private readonly cache: KpiCache,
  ) {}

  /** Kept a while per question (KpiCache): the report and the energy route share it. */
  perTenant(tenants: TenantSet, period: KpiPeriod, reference: KpiPeriod, territory: TerritoryGroups): Promise<ReadonlyMap<string, EnergyFigures>> {
    return this.cache.get(questionKey('energy', tenants, period, reference), () => this.compute(tenants, period, reference, territory));
  }

  private async compute(tenants: TenantSet, period: KpiPeriod, reference: KpiPeriod, territory: TerritoryGroups): Promise<Map<string, EnergyFigures>> {
    const [lighting, heating, findings] = await Promise.all([
      this.lighting.perTenant(tenants, period, territory, this.rules),
      this.heating.perTenant(tenants, period, reference, territory, this.rules),
      this.findings.perTenant(tenants, period),
    ]);
    const out = new Map<string, EnergyFigures>();
    for (const tenant of new Set([...lighting.keys(), ...heating.keys(), ...findings.keys()])) {
      out.set(tenant, {
        lighting: lighting.get(tenant) ?? foldLighting([]),
        heating: heating.get(tenant) ?? foldHeating([]),
        findings: findings.get(tenant) ?? EMPTY_FINDINGS,
      });
    }
    return out;
  }
}
