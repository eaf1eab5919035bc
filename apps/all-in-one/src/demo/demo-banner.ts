import type { HvConfig } from '@hv/config';
import { influxCount } from '@hv/devkit';
import type { RunningPlatform } from '../all-in-one';

export function banner(config: HvConfig, platform: RunningPlatform, devices: number, apiKey: string, login: { email: string; password: string }): void {
  const q = `SELECT count(power_w) FROM lighting_controller`;
  console.log(`
Hyperviseur is running: ${devices} simulated lamps and cabinets of Laon publish through the embedded broker.

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

/** Bound of one status probe (InfluxDB count, /health), ms: a stalled store must not pile probes up. */
const PROBE_TIMEOUT_MS = 3_000;

export async function statusLine(config: HvConfig, platform: RunningPlatform, sent: number, online: number): Promise<string> {
  try {
    let stored = 0;
    for (const m of ['lighting_controller', 'lighting_cabinet', 'device_event']) stored += await influxCount(config.HV_INFLUX_URL, config.HV_INFLUX_DB, m);
    const health = (await (await fetch(`${platform.httpUrl}/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })).json()) as { status: string };
    return `published ${sent} messages; InfluxDB holds ${stored} points (telemetry and events); health: ${health.status}; ${online} devices online`;
  } catch (error) {
    return `status unavailable: ${(error as Error).message}`;
  }
}
