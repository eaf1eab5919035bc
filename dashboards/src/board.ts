import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as geomap from '@grafana/grafana-foundation-sdk/geomap';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { MEASUREMENTS } from '@hv/contracts';
import { DATASOURCE, EPCI_SCOPE, IN_SCOPE, pf, pm, target, type InfluxQueryBuilder } from './influxql';

const TENANT_FILTER = `"tenant" =~ /^\${departement}/`;

/**
 * Département → EPCI → commune: every board's scope. `communeAllValue` makes "All" communes
 * one regex instead of an alternation of every commune (797 in the Aisne), for boards whose
 * queries also filter on the EPCI (`ROLLUP_SCOPE`).
 */
export function scopeVariables(communeAllValue?: string): Array<dashboard.CustomVariableBuilder | dashboard.QueryVariableBuilder> {
  const commune = new dashboard.QueryVariableBuilder('commune')
    .label('Commune')
    .datasource(DATASOURCE)
    .query(`SHOW TAG VALUES WITH KEY = "tenant" WHERE ${TENANT_FILTER} AND ${EPCI_SCOPE}`)
    .refresh(dashboard.VariableRefresh.OnDashboardLoad)
    .multi(true)
    .includeAll(true)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
  if (communeAllValue !== undefined) commune.allValue(communeAllValue);
  return [
    new dashboard.CustomVariableBuilder('departement').label('Département').values('02').current({ text: '02', value: '02' }),
    new dashboard.QueryVariableBuilder('epci')
      .label('EPCI')
      .datasource(DATASOURCE)
      .query(`SHOW TAG VALUES WITH KEY = "epci" WHERE ${TENANT_FILTER}`)
      .refresh(dashboard.VariableRefresh.OnDashboardLoad)
      .multi(true)
      .includeAll(true)
      .allValue('.*')
      .sort(dashboard.VariableSort.AlphabeticalAsc),
    commune,
  ];
}

/** A variable listing one tag's values among the scoped devices of a measurement. */
export function tagVariable(name: string, label: string, measurement: string, tag: string): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query(`SHOW TAG VALUES FROM ${measurement} WITH KEY = "${tag}" WHERE ${IN_SCOPE}`)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .multi(true)
    .includeAll(true)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
}

/** Alarm raises as annotations (telegestion's alarm_event points). */
export function alarmAnnotations(domain?: string): dashboard.AnnotationQueryBuilder {
  const only = domain ? ` AND "domain" = '${domain}'` : '';
  return new dashboard.AnnotationQueryBuilder()
    .name('Alarms raised')
    .datasource(DATASOURCE)
    .enable(true)
    .iconColor('red')
    .target(target('Anno', `SELECT ${pf(MEASUREMENTS.alarm, 'severity_rank')}, "type", "device", "severity" FROM ${pm(MEASUREMENTS.alarm)} WHERE $timeFilter AND ${IN_SCOPE} AND "event" = 'raised'${only}`, 'table'))
    .textFormat('{{type}} on {{device}} ({{severity}})');
}

export function board(uid: string, title: string, description: string, tags: string[]): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['hyperviseur', ...tags])
    .timezone('Europe/Paris')
    .editable()
    .refresh('1m')
    .time({ from: 'now-24h', to: 'now' })
    .tooltip(dashboard.DashboardCursorSync.Crosshair);
}

type Targets = InfluxQueryBuilder[];

export function series(title: string, targets: Targets, unit: string, description = ''): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder().title(title).description(description).datasource(DATASOURCE).targets(targets).unit(unit).height(8).span(12);
}

export function single(title: string, targets: Targets, unit: string, description = ''): stat.PanelBuilder {
  return new stat.PanelBuilder().title(title).description(description).datasource(DATASOURCE).targets(targets).unit(unit).height(5).span(6);
}

export function rows(title: string, targets: Targets, description = ''): table.PanelBuilder {
  return new table.PanelBuilder().title(title).description(description).datasource(DATASOURCE).targets(targets).height(8).span(12);
}

/** Devices on a map by their geohash tag, coloured by the query's value column. */
export function map(title: string, targets: Targets, description = ''): geomap.PanelBuilder {
  return new geomap.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .targets(targets)
    .height(12)
    .span(24)
    .view(new geomap.MapViewConfigBuilder().id('coords').lat(49.56).lon(3.62).zoom(9))
    .layers([
      new common.MapLayerOptionsBuilder()
        .type('markers')
        .name('Devices')
        .location(new common.FrameGeometrySourceBuilder().mode(common.FrameGeometrySourceMode.Geohash).geohash('geohash'))
        .config({ style: { color: { field: 'state' }, size: { fixed: 5 } } })
        .tooltip(true),
    ]);
}
