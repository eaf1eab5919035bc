import { z } from 'zod';
import { commandIdSchema } from '../ids';

/** Device timestamp: Unix epoch in milliseconds (UTC). */
export const tsSchema = z.number().int().positive().describe('device timestamp, Unix epoch ms (UTC)');
/** Per-device sequence number; a gap shows lost uplinks, a repeat shows a redelivery. */
export const seqSchema = z.number().int().min(0).max(2 ** 32 - 1).describe('per-device sequence number');

/** Fields every uplink telemetry message carries. LoRaWAN adapters add the radio fields. */
export const telemetryBase = {
  ts: tsSchema,
  seq: seqSchema,
  rssi_dbm: z.number().min(-200).max(20).optional().describe('LoRaWAN best-gateway RSSI, dBm'),
  snr_db: z.number().min(-40).max(40).optional().describe('LoRaWAN best-gateway SNR, dB'),
};

export const statusSchema = z
  .strictObject({
    ts: tsSchema.optional().describe('absent in a last will: ingest stamps the receive time'),
    online: z.boolean(),
    reason: z.enum(['boot', 'reconnect', 'shutdown', 'will']).optional(),
    fw: z.string().regex(/^[A-Za-z0-9._+-]{1,32}$/).optional().describe('firmware version'),
  })
  .describe('device status (retained; the last will publishes online=false)');

/** Fault events share one shape across domains; the code list is each domain's own. */
export function faultEvent<const T extends readonly [string, ...string[]]>(codes: T) {
  return z.strictObject({
    ts: tsSchema,
    seq: seqSchema,
    event: z.enum(['fault_raised', 'fault_cleared']),
    code: z.enum(codes),
    value: z.number().optional().describe('the measurement that triggered the fault, in its unit'),
  });
}

/** Maintenance command valid for every domain. */
export const maintenanceCmdSchema = z.strictObject({
  cmd_id: commandIdSchema,
  ts: tsSchema,
  action: z.enum(['reboot', 'sync_time', 'set_interval']),
  interval_s: z.number().int().min(10).max(86_400).optional(),
  expires_at: tsSchema.optional().describe('the device ignores the command after this instant'),
});

export const ackStatus = z.enum(['ok', 'rejected', 'failed', 'expired']);

/** Ack for a maintenance command. */
export const maintenanceAckSchema = z.strictObject({
  cmd_id: commandIdSchema,
  ts: tsSchema,
  seq: seqSchema,
  status: ackStatus,
  interval_s: z.number().int().min(10).max(86_400).optional(),
});
