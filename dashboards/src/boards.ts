import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DEVICE_TYPE_NAMES, DEVICE_TYPES, MEASUREMENTS, type DeviceType } from '@hv/contracts';
import { ALARM_TYPES, DEFAULT_RULES, heatingCurveC, SEVERITIES, type AlarmType } from '@hv/rules';
import { AIR_THRESHOLDS, ATMO_CLASSES } from '@hv/air-index';
import { alarmAnnotations, board, map, rows, scopeVariables, series, single, tagVariable } from './board';
import { EPCI_SCOPE, f, IN_SCOPE, m, pf, pm, ROLLUP_SCOPE, target } from './influxql';

const alarm = pm(MEASUREMENTS.alarm);
const command = pm(MEASUREMENTS.command);
const atmo = pm(MEASUREMENTS.atmo);

/** The ATMO index of the day per EPCI (libs/aggregates: the worst of its stations). */
function atmoPerEpci(period: string): ReturnType<typeof target> {
  return target('atmo_epci', `SELECT max(${pf(MEASUREMENTS.atmo, 'index')}) AS "atmo" FROM ${atmo} WHERE $timeFilter AND "scope" = 'epci' AND ${EPCI_SCOPE} GROUP BY time(${period}), "epci" fill(none)`);
}

/** ATMO classes 1–6 coloured as the arrêté's scale (bon … extrêmement mauvais). */
const atmoScale = () =>
  new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(
    ['#50f0e6', '#50ccaa', '#f0e641', '#ff5050', '#960032', '#872181'].map((color, i) => ({ value: (i === 0 ? null : i + 1) as never, color })),
  );
const typesOf = (kind: string, domain: string) => (Object.keys(ALARM_TYPES) as AlarmType[]).filter((t) => ALARM_TYPES[t].kind === kind && ALARM_TYPES[t].domain === domain);
const oneOf = (values: readonly string[]) => `/^(${values.join('|')})$/`;

/** Devices that reported at least once in the range (or since `since`), per type. */
function reporting(type: DeviceType, since = '$timeFilter'): ReturnType<typeof target> {
  return target(type, `SELECT count("v") AS "devices" FROM (SELECT last(${f(type, 'seq')}) AS "v" FROM ${m(type)} WHERE ${since} AND ${IN_SCOPE} GROUP BY "device")`);
}

/**
 * Alarms open now, per domain, for one severity: the last transition of each device's
 * alarm of each type says whether it is active (`active` is 0 once cleared or suppressed).
 */
function activeAlarms(severityRank: number, label: string): ReturnType<typeof target> {
  return target(
    label,
    `SELECT sum("a") AS "${label}" FROM (SELECT last(${pf(MEASUREMENTS.alarm, 'active')}) AS "a", last(${pf(MEASUREMENTS.alarm, 'severity_rank')}) AS "r" FROM ${alarm}
     WHERE time > now() - 90d AND ${IN_SCOPE} AND "kind" <> 'usage' GROUP BY "device", "type", "domain") WHERE "r" = ${severityRank} GROUP BY "domain"`,
  );
}

/** Energy per period from a luminaires' cumulative counter (Wh), summed over devices, per `by`. */
function lightingEnergy(period: string, by: string): string {
  const group = by ? `, ${by}` : '';
  const type = 'lighting-controller';
  return `SELECT sum("e") AS "energy" FROM (SELECT non_negative_difference(max(${f(type, 'energy_wh')})) AS "e" FROM ${m(type)} WHERE $timeFilter AND ${IN_SCOPE} GROUP BY time(${period}), "device"${group}) WHERE $timeFilter GROUP BY time(${period})${group} fill(none)`;
}

/** Luminaires' energy at full power while lit (Wh per hour): what dimming and extinction are measured against. */
function fullPowerWhileLit(period: string, by: string): string {
  const group = by ? `, ${by}` : '';
  return `SELECT sum("full") AS "full_power" FROM (SELECT mean(${f('lighting-controller', 'power_w')}) * 100 / mean(${f('lighting-controller', 'level_pct')}) AS "full" FROM ${m('lighting-controller')}
    WHERE $timeFilter AND ${IN_SCOPE} AND ${f('lighting-controller', 'level_pct')} > 0 GROUP BY time(${period}), "device"${group}) WHERE $timeFilter GROUP BY time(${period})${group} fill(none)`;
}

export function territoryBoard(): dashboard.DashboardBuilder {
  return board('hv-territory', 'Territoire', 'What is on, what is broken, where, what it costs and saves: the whole territory at a glance.', ['territory'])
    .variables(scopeVariables())
    .annotation(alarmAnnotations())
    .withPanel(single('Objets connectés (période)', DEVICE_TYPE_NAMES.map((t) => reporting(t)), 'none', 'Devices that reported in the time range, per type.'))
    .withPanel(single('En ligne (30 dernières minutes)', DEVICE_TYPE_NAMES.map((t) => reporting(t, 'time > now() - 30m')), 'none', 'Devices heard from in the last 30 minutes, per type (compare with the period: the share online).'))
    .withPanel(single('Alarmes actives par gravité', [...SEVERITIES].reverse().map((s) => activeAlarms(SEVERITIES.indexOf(s), s)), 'none', 'Open alarms (faults, findings, thresholds) by severity and domain; usage events (overstays) excluded.'))
    .withPanel(
      series('Éclairage : énergie et référence pleine puissance (Wh/h)', [target('energy', lightingEnergy('1h', '')), target('baseline', fullPowerWhileLit('1h', ''))], 'watth', 'Energy used per hour against the same luminaires at full power while lit: the gap is what dimming saves.'),
    )
    .withPanel(
      map('Luminaires : niveau actuel', [target('map', `SELECT last(${f('lighting-controller', 'level_pct')}) AS "state" FROM ${m('lighting-controller')} WHERE $timeFilter AND ${IN_SCOPE} GROUP BY "device", "geohash"`, 'table')], 'Each luminaire at its geohash, coloured by its last reported level.'),
    );
}

export function lightingBoard(): dashboard.DashboardBuilder {
  const lamp = m('lighting-controller');
  const cabinetFilter = `"cabinet" =~ /^\${cabinet}$/`;
  return board('hv-lighting', 'Éclairage public', 'Levels over the night, power and energy by commune and cabinet, failures, day burners and schedule adherence.', ['lighting'])
    .variables([...scopeVariables(), tagVariable('cabinet', 'Armoire', lamp, 'cabinet').allValue('.*')])
    .annotation(alarmAnnotations('lighting'))
    .withPanel(series('Niveau moyen par commune (%)', [target('level', `SELECT mean(${f('lighting-controller', 'level_pct')}) FROM ${lamp} WHERE $timeFilter AND ${IN_SCOPE} AND ${cabinetFilter} GROUP BY time($__interval), "tenant" fill(none)`)], 'percent'))
    .withPanel(
      series('Puissance par commune (W)', [target('power', `SELECT sum("p") FROM (SELECT mean(${f('lighting-controller', 'power_w')}) AS "p" FROM ${lamp} WHERE $timeFilter AND ${IN_SCOPE} AND ${cabinetFilter} GROUP BY time($__interval), "device", "tenant") WHERE $timeFilter GROUP BY time($__interval), "tenant" fill(none)`)], 'watt'),
    )
    .withPanel(series('Énergie par commune (Wh par heure)', [target('energy', lightingEnergy('1h', '"tenant"'))], 'watth'))
    .withPanel(series('Puissance par armoire (W)', [target('cabinet', `SELECT mean(${f('lighting-cabinet', 'power_w')}) FROM ${m('lighting-cabinet')} WHERE $timeFilter AND ${IN_SCOPE} GROUP BY time($__interval), "device" fill(none)`)], 'watt'))
    .withPanel(
      rows('Pannes et allumages de jour', [
        target('faults', `SELECT ${pf(MEASUREMENTS.alarm, 'alarm_id')}, ${pf(MEASUREMENTS.alarm, 'value')} FROM ${alarm} WHERE $timeFilter AND ${IN_SCOPE} AND "event" = 'raised' AND "type" =~ ${oneOf(['lamp_failure', 'day_burner', 'supply_loss', 'relay_failure'] satisfies AlarmType[])} GROUP BY "type", "device", "severity"`, 'table'),
      ]),
    )
    .withPanel(
      series('Respect du programme : commandé et rapporté (%)', [
        target('commanded', `SELECT mean(${pf(MEASUREMENTS.command, 'level_pct')}) AS "commanded", mean(${pf(MEASUREMENTS.command, 'reported_level_pct')}) AS "reported" FROM ${command} WHERE $timeFilter AND ${IN_SCOPE} AND "domain" = 'lighting' GROUP BY time($__interval) fill(none)`),
        target('outside', `SELECT count(${pf(MEASUREMENTS.alarm, 'alarm_id')}) AS "lit_outside_program" FROM ${alarm} WHERE $timeFilter AND ${IN_SCOPE} AND "event" = 'raised' AND "type" =~ ${oneOf(typesOf('finding', 'lighting'))} GROUP BY time($__interval) fill(0)`),
      ], 'percent', 'Levels the commands asked for against the levels the luminaires acknowledged, and luminaires found lit when the program says off.'),
    );
}

export function heatingBoard(): dashboard.DashboardBuilder {
  const boiler = m('boiler-room');
  const deviceFilter = `"device" =~ /^\${boiler}$/`;
  // The heating curve from the rules' own function: flow = a − b × outdoor (setpoint 19 °C).
  const a = heatingCurveC(0);
  const b = heatingCurveC(0) - heatingCurveC(1);
  const hoursPerReading = DEVICE_TYPES['boiler-room'].expectedIntervalS / 3600;
  return board('hv-heating', 'Chaufferies', 'Flow and return against the heating curve, rooms against 19 °C, burner hours, gas normalised by degree-days.', ['heating'])
    .variables([...scopeVariables(), tagVariable('boiler', 'Chaufferie', boiler, 'device')])
    .annotation(alarmAnnotations('heating'))
    .withPanel(
      series('Départ, retour et loi d’eau (°C)', [
        target('flow', `SELECT mean(${f('boiler-room', 'flow_c')}) AS "flow", mean(${f('boiler-room', 'return_c')}) AS "return", ${a} - ${b} * mean(${f('boiler-room', 'outdoor_c')}) AS "curve" FROM ${boiler} WHERE $timeFilter AND ${IN_SCOPE} AND ${deviceFilter} GROUP BY time($__interval), "device" fill(none)`),
      ], 'celsius'),
    )
    .withPanel(series('Température des locaux (°C, R241-26 : 19 °C)', [target('room', `SELECT mean(${f('boiler-room', 'room_c')}) FROM ${boiler} WHERE $timeFilter AND ${IN_SCOPE} AND ${deviceFilter} GROUP BY time($__interval), "device" fill(none)`)], 'celsius').thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line)).thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([{ value: null as never, color: 'green' }, { value: 19, color: 'red' }])))
    .withPanel(series('Heures de brûleur par jour', [target('burner', `SELECT count(${f('boiler-room', 'burner_on')}) * ${hoursPerReading} AS "hours" FROM ${boiler} WHERE $timeFilter AND ${IN_SCOPE} AND ${deviceFilter} AND ${f('boiler-room', 'burner_on')} = true GROUP BY time(1d), "device" fill(0)`)], 'h'))
    .withPanel(
      series('Gaz par degré-jour (kWh/DJU, base 18)', [
        target('gas', `SELECT sum("gas") / sum("dju") AS "kwh_per_dju" FROM (SELECT non_negative_difference(max(${f('boiler-room', 'gas_kwh')})) AS "gas" FROM ${boiler} WHERE $timeFilter AND ${IN_SCOPE} AND ${deviceFilter} GROUP BY time(1d), "device"), (SELECT 18 - (min(${f('boiler-room', 'outdoor_c')}) + max(${f('boiler-room', 'outdoor_c')})) / 2 AS "dju" FROM ${boiler} WHERE $timeFilter AND ${IN_SCOPE} AND ${deviceFilter} GROUP BY time(1d), "device") WHERE $timeFilter GROUP BY time(1d), "device" fill(none)`),
      ], 'none', 'Daily gas over the day’s degree-days (DJU = max(0, 18 − (Tmin + Tmax) / 2)).'),
    );
}

export function airBoard(): dashboard.DashboardBuilder {
  const station = m('air-station');
  const co2 = m('co2-sensor');
  const pollutant = (p: keyof typeof AIR_THRESHOLDS, field: 'pm10_ugm3' | 'no2_ugm3' | 'o3_ugm3' | 'so2_ugm3') =>
    series(`${p.toUpperCase()} (µg/m³ ; information ${AIR_THRESHOLDS[p].information}, alerte ${AIR_THRESHOLDS[p].alert})`, [target(p, `SELECT mean(${f('air-station', field)}) FROM ${station} WHERE $timeFilter AND ${IN_SCOPE} GROUP BY time($__interval), "device" fill(none)`)], 'conµgm3')
      .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line))
      .thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([{ value: null as never, color: 'green' }, { value: AIR_THRESHOLDS[p].information, color: 'orange' }, { value: AIR_THRESHOLDS[p].alert, color: 'red' }]));
  return board('hv-air', 'Qualité de l’air', 'ATMO index per station and EPCI, pollutants with their information and alert thresholds, threshold exceedances, classroom CO2 with the 800 / 1,500 ppm bands.', ['air'])
    .variables(scopeVariables())
    .annotation(alarmAnnotations('air'))
    .withPanel(pollutant('pm10', 'pm10_ugm3'))
    .withPanel(pollutant('no2', 'no2_ugm3'))
    .withPanel(pollutant('o3', 'o3_ugm3'))
    .withPanel(
      rows('Indice ATMO du jour par station', [
        target('atmo_station', `SELECT last(${pf(MEASUREMENTS.atmo, 'index')}) AS "atmo", last(${pf(MEASUREMENTS.atmo, 'responsible')}) AS "responsible" FROM ${atmo} WHERE $timeFilter AND "scope" = 'station' AND ${IN_SCOPE} GROUP BY "device", "epci"`, 'table'),
      ], `ATMO index (arrêté du 10 juillet 2020) of each station's last day in the range: 1 ${ATMO_CLASSES[0]} … 6 ${ATMO_CLASSES[5]}; the pollutants responsible. A station without 18 hours of a pollutant is "indisponible" and absent.`),
    )
    .withPanel(series('Indice ATMO par EPCI', [atmoPerEpci('1d')], 'none', 'The worst station of each EPCI, per day.').drawStyle(common.GraphDrawStyle.Bars).thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Area)).thresholds(atmoScale()).min(0).max(6))
    .withPanel(
      rows('Dépassements de seuils', [target('exceedances', `SELECT count(${pf(MEASUREMENTS.alarm, 'alarm_id')}) AS "exceedances", max(${pf(MEASUREMENTS.alarm, 'value')}) AS "peak" FROM ${alarm} WHERE $timeFilter AND ${IN_SCOPE} AND "event" = 'raised' AND "kind" = 'threshold' GROUP BY "type", "device"`, 'table')]),
    )
    .withPanel(
      series('CO2 des salles de classe (ppm)', [target('co2', `SELECT mean(${f('co2-sensor', 'co2_ppm')}) FROM ${co2} WHERE $timeFilter AND ${IN_SCOPE} GROUP BY time($__interval), "device" fill(none)`)], 'ppm')
        .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Area))
        .thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([{ value: null as never, color: 'green' }, { value: 800, color: 'yellow' }, { value: DEFAULT_RULES.co2_high.limit_ppm, color: 'red' }])),
    );
}

export function parkingBoard(): dashboard.DashboardBuilder {
  const park = m('car-park');
  const readingsPerDay = 86_400 / DEVICE_TYPES['car-park'].expectedIntervalS;
  return board('hv-parking', 'Stationnement', 'Occupancy, rotation, mean stay, overstays and saturation: the congestion indicator.', ['parking'])
    .variables(scopeVariables())
    .annotation(alarmAnnotations('parking'))
    .withPanel(series('Occupation des parkings (%)', [target('occupancy', `SELECT mean(${f('car-park', 'occupied')}) / mean(${f('car-park', 'capacity')}) * 100 AS "occupancy" FROM ${park} WHERE $timeFilter AND ${IN_SCOPE} GROUP BY time($__interval), "device" fill(none)`)], 'percent'))
    .withPanel(
      series('Occupation des places sur voirie (%)', [target('spots', `SELECT count(${f('parking-spot', 'occupied')}) AS "occupied_readings" FROM ${m('parking-spot')} WHERE $timeFilter AND ${IN_SCOPE} AND ${f('parking-spot', 'occupied')} = true GROUP BY time($__interval), "tenant" fill(0)`)], 'none'),
    )
    .withPanel(series('Rotation (entrées par place et par jour)', [target('rotation', `SELECT non_negative_difference(max(${f('car-park', 'entries')})) / max(${f('car-park', 'capacity')}) AS "rotation" FROM ${park} WHERE $timeFilter AND ${IN_SCOPE} GROUP BY time(1d), "device" fill(none)`)], 'none'))
    .withPanel(
      series('Durée moyenne de stationnement (h, loi de Little)', [target('stay', `SELECT mean(${f('car-park', 'occupied')}) * 24 / non_negative_difference(max(${f('car-park', 'entries')})) AS "mean_stay_h" FROM ${park} WHERE $timeFilter AND ${IN_SCOPE} GROUP BY time(1d), "device" fill(none)`)], 'h', `Mean occupancy × 24 h / entries per day (${readingsPerDay} readings a day).`),
    )
    .withPanel(rows('Dépassements de durée et saturations', [target('usage', `SELECT count(${pf(MEASUREMENTS.alarm, 'alarm_id')}) AS "events" FROM ${alarm} WHERE $timeFilter AND ${IN_SCOPE} AND "event" = 'raised' AND "type" =~ ${oneOf(['overstay', 'saturation'] satisfies AlarmType[])} GROUP BY "type", "tenant"`, 'table')]));
}

/** What the lost-messages panel counts, and what it does not. */
const LOST_DESCRIPTION =
  'Uplinks lost per commune: numbers a device skipped in the one sequence its telemetry, events and acks share (a LoRaWAN device: its frame counter), counted by telegestion over each device’s whole stream and written every HV_TELEGESTION_GAPS_REPORT_S, at the time of writing. A redelivery, an uplink arriving a little late and a device starting its sequence again are not losses; a late uplink filling a hole counted in an earlier period shows as −1.';

export function fleetBoard(): dashboard.DashboardBuilder {
  const stats = pm(MEASUREMENTS.ingestStats);
  const G = MEASUREMENTS.seqGaps;
  const gaps = pm(G);
  return board('hv-fleet', 'Santé du parc', 'Uplinks, lost messages (sequence gaps), radio, ingest lag, rejects, spool and command success.', ['fleet'])
    .variables(scopeVariables())
    .withPanel(series('Messages par minute', DEVICE_TYPE_NAMES.map((t) => target(t, `SELECT count(${f(t, 'seq')}) AS "${t}" FROM ${m(t)} WHERE $timeFilter AND ${IN_SCOPE} GROUP BY time(1m) fill(none)`)), 'none'))
    .withPanel(
      series('Messages perdus par commune', [target('lost', `SELECT sum(${pf(G, 'lost')}) AS "lost" FROM ${gaps} WHERE $timeFilter AND ${IN_SCOPE} GROUP BY time($__interval), "tenant" fill(none)`)], 'none', LOST_DESCRIPTION),
    )
    .withPanel(
      rows('Taux de perte par commune', [
        target('loss', `SELECT sum(${pf(G, 'lost')}) AS "lost", sum(${pf(G, 'expected')}) AS "expected", sum(${pf(G, 'lost')}) / sum(${pf(G, 'expected')}) * 100 AS "loss_pct", sum(${pf(G, 'duplicates')}) AS "duplicates", sum(${pf(G, 'resets')}) AS "resets" FROM ${gaps} WHERE $timeFilter AND ${IN_SCOPE} GROUP BY "tenant"`, 'table'),
      ], 'Over the range: uplinks lost, expected (received + lost), the loss in % of expected, redeliveries seen again, sequences started again (reboots, LoRaWAN rejoins).'),
    )
    .withPanel(
      rows('Appareils les plus touchés (10)', [
        target('worst', `SELECT top("lost", "device", 10) AS "lost", "tenant" FROM (SELECT sum(${pf(MEASUREMENTS.seqGapsDevice, 'lost')}) AS "lost" FROM ${pm(MEASUREMENTS.seqGapsDevice)} WHERE $timeFilter AND ${IN_SCOPE} GROUP BY "device", "tenant") WHERE "lost" > 0`, 'table'),
      ], 'The ten devices that lost the most uplinks over the range.'),
    )
    .withPanel(series('LoRaWAN : RSSI et SNR', [target('radio', `SELECT mean(${f('lighting-controller', 'rssi_dbm')}) AS "rssi_dbm", mean(${f('lighting-controller', 'snr_db')}) AS "snr_db" FROM ${m('lighting-controller')} WHERE $timeFilter AND ${IN_SCOPE} GROUP BY time($__interval) fill(none)`)], 'dB'))
    .withPanel(series('Retard d’ingestion (ms)', [target('lag', `SELECT max(${pf(MEASUREMENTS.ingestStats, 'lag_max_ms')}) AS "lag_ms" FROM ${stats} WHERE $timeFilter GROUP BY time($__interval), "instance" fill(none)`)], 'ms'))
    .withPanel(series('Rejets par motif', [target('rejects', `SELECT sum(${pf(MEASUREMENTS.reject, 'count')}) FROM ${pm(MEASUREMENTS.reject)} WHERE $timeFilter GROUP BY time($__interval), "reason" fill(0)`)], 'none'))
    .withPanel(series('Spool disque (octets)', [target('spool', `SELECT last(${pf(MEASUREMENTS.ingestStats, 'spool_bytes')}) AS "spool_bytes", last(${pf(MEASUREMENTS.ingestStats, 'inflight')}) AS "inflight" FROM ${stats} WHERE $timeFilter GROUP BY time($__interval), "instance" fill(none)`)], 'bytes'))
    .withPanel(rows('Commandes : issues', [target('commands', `SELECT count(${pf(MEASUREMENTS.command, 'attempts')}) AS "commands", mean(${pf(MEASUREMENTS.command, 'attempts')}) AS "mean_attempts", mean(${pf(MEASUREMENTS.command, 'duration_ms')}) AS "mean_duration_ms" FROM ${command} WHERE $timeFilter AND ${IN_SCOPE} GROUP BY "event"`, 'table')]));
}

export function cdnBoard(): dashboard.DashboardBuilder {
  return board('hv-cdn', 'Indicateurs CDN', 'The indicators the Conseil Départemental du Numérique follows, per EPCI and for the département.', ['cdn'])
    .variables(scopeVariables())
    .withPanel(
      rows('Objets connectés par EPCI', DEVICE_TYPE_NAMES.map((t) => target(t, `SELECT count("v") AS "${t}" FROM (SELECT last(${f(t, 'seq')}) AS "v" FROM ${m(t)} WHERE $timeFilter AND ${IN_SCOPE} GROUP BY "device", "epci") GROUP BY "epci"`, 'table'))),
    )
    .withPanel(
      rows('Éclairage : énergie et économies par EPCI (Wh)', [target('energy', lightingEnergy('1d', '"epci"'), 'table'), target('baseline', fullPowerWhileLit('1d', '"epci"'), 'table')], 'Energy used per day against full power while lit; the difference is the saving of dimming.'),
    )
    .withPanel(
      rows('Économies identifiées (constats clos)', [target('findings', `SELECT sum(${pf(MEASUREMENTS.alarm, 'savings_kwh')}) AS "kwh", sum(${pf(MEASUREMENTS.alarm, 'savings_eur')}) AS "eur", sum(${pf(MEASUREMENTS.alarm, 'savings_kgco2')}) AS "kgco2" FROM ${alarm} WHERE $timeFilter AND ${IN_SCOPE} AND "event" = 'cleared' AND "kind" = 'finding' GROUP BY "domain"`, 'table')]),
    )
    .withPanel(series('Qualité de l’air : indice ATMO par EPCI', [atmoPerEpci('1d')], 'none', 'The worst station of each EPCI, per day (1 bon … 6 extrêmement mauvais).').thresholds(atmoScale()).min(0).max(6))
    .withPanel(series('Qualité de l’air : PM10 moyen par EPCI (µg/m³)', [target('pm10', `SELECT mean(${f('air-station', 'pm10_ugm3')}) FROM ${m('air-station')} WHERE $timeFilter AND ${IN_SCOPE} GROUP BY time(1d), "epci" fill(none)`)], 'conµgm3'))
    .withPanel(series('Congestion : occupation des parkings par EPCI (%)', [target('parking', `SELECT mean(${f('car-park', 'occupied')}) / mean(${f('car-park', 'capacity')}) * 100 AS "occupancy" FROM ${m('car-park')} WHERE $timeFilter AND ${IN_SCOPE} GROUP BY time(1h), "epci" fill(none)`)], 'percent'));
}

/**
 * Long ranges (months, a year) from the per-commune rollups (libs/aggregates): `$rp` picks
 * the hourly (`h1`, weeks) or daily (`d1`, the default, a year) retention policy. The raw
 * boards read per-device points, which a year of the Aisne's fleet makes too many.
 */
export function trendsBoard(): dashboard.DashboardBuilder {
  const rollup = (measurement: Parameters<typeof pm>[0]) => `"$rp".${pm(measurement)}`;
  const lighting = rollup(MEASUREMENTS.lightingRollup);
  const heating = rollup(MEASUREMENTS.heatingRollup);
  const air = rollup(MEASUREMENTS.airRollup);
  const parking = rollup(MEASUREMENTS.parkingRollup);
  const L = MEASUREMENTS.lightingRollup;
  const H = MEASUREMENTS.heatingRollup;
  const resolution = new dashboard.CustomVariableBuilder('rp')
    .label('Résolution')
    .values('d1,h1')
    .current({ text: 'd1', value: 'd1' })
    .description('d1: daily rollups (a year and more); h1: hourly rollups (up to a few weeks).');
  const perDay = (title: string, query: string, unit: string, description = '') => series(title, [target('A', query)], unit, description);
  return board('hv-trends', 'Tendances', 'Months and years at a glance, from the per-commune hourly and daily rollups.', ['trends'])
    .time({ from: 'now-1y', to: 'now' })
    .variables([...scopeVariables('.*'), resolution])
    .withPanel(perDay('Éclairage : énergie par EPCI (kWh par jour)', `SELECT sum(${pf(L, 'energy_wh')}) / 1000 AS "kwh" FROM ${lighting} WHERE $timeFilter AND ${ROLLUP_SCOPE} GROUP BY time(1d), "epci" fill(none)`, 'kwatth'))
    .withPanel(perDay('Éclairage : niveau moyen par EPCI (%)', `SELECT mean(${pf(L, 'level_pct')}) AS "level_pct" FROM ${lighting} WHERE $timeFilter AND ${ROLLUP_SCOPE} GROUP BY time(1d), "epci" fill(none)`, 'percent'))
    .withPanel(perDay('Éclairage : heures d’éclairage par EPCI (luminaire-heures par jour)', `SELECT sum(${pf(L, 'lit_h')}) AS "lit_h" FROM ${lighting} WHERE $timeFilter AND ${ROLLUP_SCOPE} GROUP BY time(1d), "epci" fill(none)`, 'h', 'Hours lit summed over the luminaires: what extinction and shorter nights save.'))
    .withPanel(perDay('Chaufferies : gaz par EPCI (kWh par jour)', `SELECT sum(${pf(H, 'gas_kwh')}) AS "gas_kwh" FROM ${heating} WHERE $timeFilter AND ${ROLLUP_SCOPE} GROUP BY time(1d), "epci" fill(none)`, 'kwatth'))
    // Degree-days per EPCI rather than gas over degree-days per commune: that one needs a
    // two-field subquery per commune and day, which took 35 s over a year of the Aisne.
    .withPanel(
      perDay('Chaufferies : degrés-jours par EPCI (DJU, base 18)', `SELECT 18 - (min(${pf(H, 'outdoor_min_c')}) + max(${pf(H, 'outdoor_max_c')})) / 2 AS "dju" FROM ${heating} WHERE $timeFilter AND ${ROLLUP_SCOPE} GROUP BY time(1d), "epci" fill(none)`, 'none', 'From the EPCI’s lowest and highest outdoor reading of the day, beside the gas above (the heating board normalises gas per boiler room over shorter ranges).'),
    )
    .withPanel(perDay('Chaufferies : température des locaux (°C)', `SELECT mean(${pf(H, 'room_c')}) AS "room_c" FROM ${heating} WHERE $timeFilter AND ${ROLLUP_SCOPE} GROUP BY time(1d), "epci" fill(none)`, 'celsius').thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line)).thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([{ value: null as never, color: 'green' }, { value: 19, color: 'red' }])))
    .withPanel(perDay('Chaufferies : heures de brûleur par jour', `SELECT sum(${pf(H, 'burner_h')}) AS "burner_h" FROM ${heating} WHERE $timeFilter AND ${ROLLUP_SCOPE} GROUP BY time(1d), "epci" fill(none)`, 'h'))
    .withPanel(perDay(`Air : PM10 moyen journalier par EPCI (µg/m³ ; information ${AIR_THRESHOLDS.pm10.information})`, `SELECT mean(${pf(MEASUREMENTS.airRollup, 'pm10_ugm3')}) AS "pm10" FROM ${air} WHERE $timeFilter AND ${ROLLUP_SCOPE} GROUP BY time(1d), "epci" fill(none)`, 'conµgm3'))
    .withPanel(series('Air : indice ATMO par EPCI', [atmoPerEpci('1d')], 'none').thresholds(atmoScale()).min(0).max(6))
    .withPanel(perDay('Stationnement : occupation par EPCI (%)', `SELECT sum(${pf(MEASUREMENTS.parkingRollup, 'occupied')}) / sum(${pf(MEASUREMENTS.parkingRollup, 'capacity')}) * 100 AS "occupancy" FROM ${parking} WHERE $timeFilter AND ${ROLLUP_SCOPE} GROUP BY time(1d), "epci" fill(none)`, 'percent'))
    .withPanel(
      series('Messages reçus par jour', [
        target('lighting', `SELECT sum(${pf(L, 'readings')}) AS "lighting" FROM ${lighting} WHERE $timeFilter AND ${ROLLUP_SCOPE} GROUP BY time(1d) fill(none)`),
        target('heating', `SELECT sum(${pf(H, 'readings')}) AS "heating" FROM ${heating} WHERE $timeFilter AND ${ROLLUP_SCOPE} GROUP BY time(1d) fill(none)`),
        target('air', `SELECT sum(${pf(MEASUREMENTS.airRollup, 'readings')}) AS "air" FROM ${air} WHERE $timeFilter AND ${ROLLUP_SCOPE} GROUP BY time(1d) fill(none)`),
        target('parking', `SELECT sum(${pf(MEASUREMENTS.parkingRollup, 'readings')}) AS "car_parks" FROM ${parking} WHERE $timeFilter AND ${ROLLUP_SCOPE} GROUP BY time(1d) fill(none)`),
      ], 'none', 'Luminaire, boiler room, air station and car park readings stored per day.'),
    );
}

/** Every board, in the order of the issue; the trends board reads the rollups. */
export const BOARDS = [territoryBoard, lightingBoard, heatingBoard, airBoard, parkingBoard, fleetBoard, cdnBoard, trendsBoard] as const;
