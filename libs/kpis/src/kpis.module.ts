import { DataQualityService } from './quality/data-quality.service';
import { type DynamicModule, Module } from '@nestjs/common';
import { AirQualityRepository } from './air/air-quality.repository';
import { AirQualityService } from './air/air-quality.service';
import { ConnectedObjectsRepository } from './connected-objects.repository';
import { DeviceInventoryRepository } from './device-inventory.repository';
import { EnergyKpiService } from './energy.service';
import { FindingsRepository } from './findings.repository';
import { HeatingEnergyService } from './heating/heating-energy';
import { KpiCache } from './kpi-cache';
import { KPIS_OPTIONS, type KpisOptions } from './kpis.options';
import { LightingEnergyService } from './lighting/lighting-energy';
import { OverstaysRepository } from './parking/overstays.repository';
import { ParkingService } from './parking/parking.service';
import { CdnReportService } from './report/cdn-report.service';
import { RollupReader } from './rollup.reader';
import { TenantRules } from './tenant-rules';
import { TerritoryLoader } from './territory';

const SERVICES = [
  DataQualityService,
  TerritoryLoader,
  TenantRules,
  RollupReader,
  DeviceInventoryRepository,
  ConnectedObjectsRepository,
  FindingsRepository,
  LightingEnergyService,
  HeatingEnergyService,
  EnergyKpiService,
  AirQualityRepository,
  AirQualityService,
  OverstaysRepository,
  ParkingService,
  CdnReportService,
];

/** The KPIs (counts and sums per commune, EPCI, département). Needs the global StateModule and TimeseriesModule. */
@Module({})
export class KpisModule {
  static forRoot(options: KpisOptions): DynamicModule {
    return { module: KpisModule, providers: [{ provide: KPIS_OPTIONS, useValue: options }, { provide: KpiCache, useValue: new KpiCache(options.cacheTtlMs) }, ...SERVICES], exports: [...SERVICES, KpiCache] };
  }
}
