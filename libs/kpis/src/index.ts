/**
 * The territory's indicators: connected objects, energy and savings (public lighting against
 * its astronomical baseline, heating normalised by degree-days, findings), air quality (ATMO
 * days, threshold exceedances), parking congestion, and the CDN's report of them all. Each
 * is computed per tenant from the registry, the alarms and the rollups, then folded into
 * communes, EPCI or the département.
 */
export * from './kpis.options';
export * from './kpis.module';
export * from './kpi-cache';
export * from './period';
export * from './territory';
export * from './figures';
export * from './grouped';
export * from './tenant-rules';
export * from './rollup.reader';
export * from './device-inventory.repository';
export * from './connected-objects.repository';
export * from './findings.repository';
export * from './lighting/dark-hours';
export * from './lighting/lighting-energy';
export * from './heating/degree-days';
export * from './heating/heating-energy';
export * from './energy.service';
export * from './air/air-quality.repository';
export * from './air/air-quality.service';
export * from './parking/overstays.repository';
export * from './parking/parking.service';
export * from './report/cdn-report.service';
export * from './report/report-csv';
export * from './quality/data-quality.service';
