import type { Domain } from '@hv/contracts';

export type CommandStatus = 'queued' | 'sent' | 'acknowledged' | 'failed' | 'expired';
export const PENDING: ReadonlySet<CommandStatus> = new Set(['queued', 'sent']);

/** One command to one device, as held in memory while pending and as stored. */
export interface CommandRecord {
  cmdId: string;
  batchId: string | null;
  tenant: string;
  device: string;
  domain: Domain;
  /** The command without cmd_id and ts: `{ level_pct, reason, expires_at? }` or `{ action, … }`. */
  body: Record<string, unknown>;
  reason: string;
  status: CommandStatus;
  attempts: number;
  /** Queued: not before this (retry backoff); sent: the ack deadline. Epoch ms. */
  nextAttemptAt: number;
  expiresAt: number | null;
  createdAt: number;
  sentAt: number | null;
  ackedAt: number | null;
  ackStatus: string | null;
  /** The state the device reported in its ack. */
  reported: Record<string, unknown> | null;
  error: string | null;
}

/** What a caller asks for: the same command for one or many devices. */
export interface CommandRequest {
  target: { devices: string[] } | { group: string; tenant: string } | { cabinet: string } | { tenant: string };
  /** Lighting: `{ level_pct, ramp_s?, reason }`; every domain: `{ action, interval_s? }`. */
  body: Record<string, unknown>;
  /** Lighting overrides: the device returns to its program after this instant, epoch ms. */
  expiresAt?: number;
  createdBy: string;
}

export interface BatchSummary {
  id: string;
  devices: number;
  byStatus: Record<CommandStatus, number>;
}
