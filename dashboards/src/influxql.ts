import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as common from '@grafana/grafana-foundation-sdk/common';
import { DEVICE_TYPES, PLATFORM_POINTS, telemetryFields, type DeviceType, type PlatformField, type PlatformMeasurement, type TelemetryOf } from '@hv/contracts';

/** The InfluxDB data source the provisioning file declares (InfluxQL mode). */
export const DATASOURCE: common.DataSourceRef = { type: 'influxdb', uid: 'hv-influxdb' };

/** A raw InfluxQL target, as Grafana's InfluxDB data source stores it. */
export interface InfluxQuery extends cog.Dataquery {
  refId: string;
  datasource: common.DataSourceRef;
  query: string;
  rawQuery: true;
  resultFormat: 'time_series' | 'table';
}

/** The foundation SDK has no InfluxDB query type: this builder is ours. */
export class InfluxQueryBuilder implements cog.Builder<cog.Dataquery> {
  private readonly internal: InfluxQuery;

  constructor(refId: string, query: string, format: 'time_series' | 'table' = 'time_series') {
    this.internal = { refId, datasource: DATASOURCE, query: query.replace(/\s+/g, ' ').trim(), rawQuery: true, resultFormat: format, _implementsDataqueryVariant: () => undefined };
  }

  build(): InfluxQuery {
    return this.internal;
  }
}

export const target = (refId: string, query: string, format: 'time_series' | 'table' = 'time_series') => new InfluxQueryBuilder(refId, query, format);

// ---- names from the contract, never retyped ----

/** The telemetry measurement of a device type, quoted. */
export function m(type: DeviceType): string {
  return `"${DEVICE_TYPES[type].measurement}"`;
}

/** A platform measurement (alarm_event, command_event, ingest_stats, ingest_reject), quoted. */
export function pm(measurement: PlatformMeasurement): string {
  return `"${measurement}"`;
}

/** A telemetry field of a device type, quoted; the type system and a run-time check keep it in the contract. */
export function f<T extends DeviceType>(type: T, field: Exclude<keyof TelemetryOf<T>, 'ts'> & string): string {
  if (!telemetryFields(type).includes(field)) throw new Error(`${type} has no telemetry field ${field}`);
  return `"${field}"`;
}

/** A field of a platform measurement, quoted. */
export function pf<M extends PlatformMeasurement>(measurement: M, field: PlatformField<M>): string {
  if (!(PLATFORM_POINTS[measurement].fields as readonly string[]).includes(field)) throw new Error(`${measurement} has no field ${field}`);
  return `"${field}"`;
}

// ---- template variables, as InfluxQL filters ----

/** Devices of the selected communes (which cascade from the département and EPCI). */
export const IN_SCOPE = `"tenant" =~ /^\${commune}$/`;
/** Points of the selected EPCIs (the ATMO index per EPCI carries no commune). */
export const EPCI_SCOPE = `"epci" =~ /^\${epci}$/`;
/** The scope on points tagged with their EPCI too (the rollups): "All" communes is then `.*` (see scopeVariables). */
export const ROLLUP_SCOPE = `${EPCI_SCOPE} AND ${IN_SCOPE}`;
