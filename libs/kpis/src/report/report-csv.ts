import { ATMO_CLASSES } from '@hv/air-index';
import type { CdnReport, CdnReportRow } from './cdn-report.service';

type Cell = string | number | null;

/** The report's columns: one line per row, the nested answer flattened (units in the names). */
const COLUMNS: Array<[header: string, cell: (r: CdnReportRow) => Cell]> = [
  ['level', (r) => r.level],
  ['tenant', (r) => r.tenant],
  ['name', (r) => r.name],
  ['tenants', (r) => r.tenants],
  ['objects_registered', (r) => r.connected_objects.registered],
  ['objects_ok', (r) => r.connected_objects.ok],
  ['objects_faulty', (r) => r.connected_objects.faulty],
  ['objects_offline', (r) => r.connected_objects.offline],
  ['energy_saved_kwh', (r) => r.energy.saved.kwh],
  ['energy_saved_eur', (r) => r.energy.saved.eur],
  ['energy_saved_kgco2', (r) => r.energy.saved.kgco2],
  ['lighting_luminaires', (r) => r.energy.lighting.luminaires],
  ['lighting_baseline_kwh', (r) => r.energy.lighting.baseline_kwh],
  ['lighting_consumed_kwh', (r) => r.energy.lighting.consumed_kwh],
  ['lighting_savings_kwh', (r) => r.energy.lighting.savings.kwh],
  ['lighting_savings_pct', (r) => r.energy.lighting.savings_pct],
  ['heating_boiler_rooms', (r) => r.energy.heating.boiler_rooms],
  ['heating_consumed_kwh', (r) => r.energy.heating.consumed_kwh],
  ['heating_normalised_reference_kwh', (r) => r.energy.heating.normalised_reference_kwh],
  ['heating_savings_kwh', (r) => r.energy.heating.savings.kwh],
  ['heating_savings_pct', (r) => r.energy.heating.savings_pct],
  ['findings_cleared', (r) => r.energy.findings.cleared],
  ['findings_savings_kwh', (r) => r.energy.findings.savings.kwh],
  ['air_stations', (r) => r.air.stations],
  ...[...ATMO_CLASSES, 'indisponible'].map((label): [string, (r: CdnReportRow) => Cell] => [`atmo_days_${asciiName(label)}`, (r) => r.air.classes[label] ?? 0]),
  ['air_exceedances_information', (r) => r.air.exceedances.information],
  ['air_exceedances_alert', (r) => r.air.exceedances.alert],
  ['air_exceedance_days', (r) => r.air.exceedances.days],
  ['parking_occupancy_pct', (r) => r.parking.occupancy_pct],
  ['parking_on_street_occupancy_pct', (r) => r.parking.on_street.occupancy_pct],
  ['parking_on_street_rotation', (r) => r.parking.on_street.rotation],
  ['parking_on_street_mean_stay_min', (r) => r.parking.on_street.mean_stay_min],
  ['parking_overstays', (r) => r.parking.on_street.overstays],
  ['parking_on_street_saturated_h', (r) => r.parking.on_street.saturated_h],
  ['parking_off_street_occupancy_pct', (r) => r.parking.off_street.occupancy_pct],
  ['parking_off_street_rotation', (r) => r.parking.off_street.rotation],
  ['parking_off_street_mean_stay_min', (r) => r.parking.off_street.mean_stay_min],
  ['parking_off_street_saturated_h', (r) => r.parking.off_street.saturated_h],
];

/** `très mauvais` → `tres_mauvais`: column names a spreadsheet formula or a script can type. */
function asciiName(label: string): string {
  return label.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\s+/g, '_');
}

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break. A text
 * cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading
 * apostrophe (OWASP "CSV injection"); numbers are written as they are, negative ones included.
 */
export function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The report as CSV: UTF-8, comma-separated, `.` decimals, CRLF line ends (RFC 4180, as
 * data.gouv.fr asks of open data), a header line, then one line per row and the total
 * last, each starting with the period it covers (so a line keeps its meaning on its own).
 */
export function reportCsv(report: CdnReport): string {
  const lines = [['period_from', 'period_to', ...COLUMNS.map(([h]) => h)].join(',')];
  for (const row of [...report.rows, report.total]) {
    lines.push([report.period.from, report.period.to, ...COLUMNS.map(([, cell]) => csvCell(cell(row)))].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
