import type { DeviceAck, DeviceCommand, Domain } from '@hv/contracts';
import type { AckStatus, Body } from './device-model';

export interface AckOptions {
  /** Default: `expired` when the command's `expires_at` is before `ts`, else `ok`. */
  status?: AckStatus;
  /** The device's actual state (lighting: on, level_pct; heating: mode, setpoint_c). */
  reported?: Body;
}

/**
 * The device's answer to a command (valid under ACK_SCHEMAS[domain]). It carries the
 * state the device is actually in, which telegestion compares with the one it asked for;
 * a command meant for another domain is acknowledged as `rejected`.
 */
export function ackFor(domain: Domain, cmd: DeviceCommand, ts: number, seq: number, options: AckOptions = {}): DeviceAck {
  const status = options.status ?? (cmd.expires_at !== undefined && cmd.expires_at < ts ? 'expired' : 'ok');
  const reported = options.reported ?? {};
  const head = { cmd_id: cmd.cmd_id, ts, seq };
  if ('level_pct' in cmd && domain === 'lighting') {
    const level = typeof reported.level_pct === 'number' ? reported.level_pct : status === 'ok' ? cmd.level_pct : 0;
    const on = typeof reported.on === 'boolean' ? reported.on : level > 0;
    return { ...head, status, on, level_pct: level };
  }
  if ('mode' in cmd && domain === 'heating') {
    const mode = typeof reported.mode === 'string' ? (reported.mode as typeof cmd.mode) : cmd.mode;
    const setpoint = typeof reported.setpoint_c === 'number' ? reported.setpoint_c : status === 'ok' ? cmd.setpoint_c : undefined;
    return setpoint === undefined ? { ...head, status, mode } : { ...head, status, mode, setpoint_c: setpoint };
  }
  if ('action' in cmd) {
    const ok = status === 'ok' && cmd.action === 'set_interval' && cmd.interval_s !== undefined;
    return ok ? { ...head, status, interval_s: cmd.interval_s } : { ...head, status };
  }
  return { ...head, status: 'rejected' };
}
