import { html } from '../../app/html.js';
import { language, t } from '../../app/i18n.js';

/** Most serious first, as the rules rank them. */
export const SEVERITIES = ['critical', 'major', 'minor', 'info'];
export const DOMAINS = ['lighting', 'heating', 'air', 'parking'];
export const STATES = ['open', 'active', 'acknowledged', 'cleared'];
/** The rules' alarm types (libs/rules ALARM_TYPES), for the type filter; an alarm of another type shows its code. */
export const ALARM_TYPES = [
  'lamp_failure', 'power_drift', 'day_burner', 'cycling', 'voltage_out_of_range', 'over_temperature', 'supply_loss', 'relay_failure', 'lit_outside_program',
  'low_pressure', 'high_pressure', 'flame_fault', 'high_temperature', 'heating_curve_deviation', 'overheating_occupied', 'unoccupied_heating', 'mild_weather_heating',
  'pm10_threshold', 'no2_threshold', 'o3_threshold', 'so2_threshold', 'co2_high',
  'overstay', 'saturation',
  'sensor_stuck', 'sensor_fault', 'sensor_drift', 'battery_low', 'communication_loss',
];

/** The type's name in the current language, or its code when the console does not know it. */
export function typeName(type) {
  const key = `alarmType.${type}`;
  const name = t(key);
  return name === key ? type : name;
}

/**
 * A date and time on the Paris clock whatever the browser's zone: the collectivités' time,
 * the one their rounds and their programs follow.
 */
export function parisTime(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(language.get(), { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'medium' }).format(new Date(iso));
}

export function SeverityBadge({ severity }) {
  return html`<span class=${`badge badge-${severity}`}>${t(`alarms.severity.${severity}`)}</span>`;
}

export function StateBadge({ state }) {
  return html`<span class=${`badge badge-state-${state}`}>${t(`alarms.state.${state}`)}</span>`;
}

/** The query of the hash (`#/alarmes?severity=major`): the filters a reload or a shared link keeps. */
export function hashQuery() {
  const hash = location.hash;
  const at = hash.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : hash.slice(at + 1));
}

/**
 * Puts `params` in the hash's query in place (no new history entry, no hashchange: the
 * page is not reloaded, the focus stays where it is).
 */
export function replaceHashQuery(path, params) {
  const qs = params.toString();
  const hash = `#${path}${qs ? `?${qs}` : ''}`;
  if (location.hash !== hash) history.replaceState(history.state, '', hash);
}

/** The list's last query, so that the detail's "back" link returns to the same filters. */
let lastListHash = '#/alarmes';
export function rememberListHash(hash) {
  lastListHash = hash;
}
export function listHash() {
  return lastListHash;
}
