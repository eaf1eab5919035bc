import type { HvConfig } from '@hv/config';
import { DEVICE_TYPE_NAMES, measurementOf } from '@hv/contracts';
import { influxCount } from '@hv/devkit';
import type { RunningPlatform } from '../all-in-one';

export function banner(config: HvConfig, platform: RunningPlatform, devices: number, apiKey: string, login: { email: string; password: string }, faultEveryS: number): void {
  const q = `SELECT count(power_w) FROM lighting_controller`;
  console.log(`
Hyperviseur is running: ${devices} simulated devices of Laon (lighting, boiler rooms, air, CO2, parking) publish through the embedded broker.
${faultEveryS > 0 ? `A scripted fault (a lamp, a boiler's pressure, a sensor…) starts every ${faultEveryS} s and is repaired later: watch its alarm come and clear.
` : ''}
  Console      ${platform.httpUrl}/   (in French; English in its header)
               sign in as ${login.email}, password ${login.password}   (this run's operator)
  Metrics      ${platform.httpUrl}/metrics        (hv_ingest_received_total, hv_ingest_stored_points_total, …)
  Health       ${platform.httpUrl}/health         (InfluxDB, PostgreSQL, broker)
  MQTT broker  ${platform.brokerUrl}         (devices log in with their own credentials)
  Alarms       psql ${config.HV_PG_URL} -c "SELECT type, device_id, state, since FROM alarms"
               (telegestion's alarms; their events on hv/events/v1/{tenant}/alarm and in InfluxDB "alarm_event")
  HTTP API     ${platform.httpUrl}/api/v1/openapi.json   (the OpenAPI document; an operator key of this run:)
    curl -H "Authorization: Bearer ${apiKey}" "${platform.httpUrl}/api/v1/devices?tenant=02408"
    curl -H "Authorization: Bearer ${apiKey}" "${platform.httpUrl}/api/v1/alarms?tenant=02408"
  Grafana      dashboards/generated/*.json with infra/grafana/provisioning (docs/GRAFANA.md)
  InfluxDB     ${config.HV_INFLUX_URL}, database "${config.HV_INFLUX_DB}"
  Stored points:
    curl -sG ${config.HV_INFLUX_URL}/query --data-urlencode db=${config.HV_INFLUX_DB} --data-urlencode "q=${q}"

Ctrl-C stops the fleet, the hypervisor and the services this command started (a second Ctrl-C forces it).
`);
}

/** The demo fleet's telemetry of every type, and the devices' events. */
const STORED_MEASUREMENTS = [...new Set([...DEVICE_TYPE_NAMES.map((t) => measurementOf(t, 'telemetry')), measurementOf('lighting-controller', 'event')])];

/** Bound of one status probe (InfluxDB count, /health), ms: a stalled store must not pile probes up. */
const PROBE_TIMEOUT_MS = 3_000;

export async function statusLine(config: HvConfig, platform: RunningPlatform, sent: number, online: number): Promise<string> {
  try {
    let stored = 0;
    for (const m of STORED_MEASUREMENTS) stored += await influxCount(config.HV_INFLUX_URL, config.HV_INFLUX_DB, m);
    const health = (await (await fetch(`${platform.httpUrl}/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })).json()) as { status: string };
    return `published ${sent} messages; InfluxDB holds ${stored} points (telemetry and events); health: ${health.status}; ${online} devices online`;
  } catch (error) {
    return `status unavailable: ${(error as Error).message}`;
  }
}
