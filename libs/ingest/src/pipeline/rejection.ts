/**
 * Why ingest refused a message. Each reason is counted (Prometheus, by tenant and device
 * when they are registered) and the message is published on `hv/dlq/v1/{reason}`.
 */
export const REJECT_REASONS = [
  'oversized',
  'bad_topic',
  'unexpected_channel',
  'malformed_json',
  'schema',
  'unknown_device',
  'unknown_dev_eui',
  'tenant_mismatch',
  'domain_mismatch',
  'timestamp_future',
  'timestamp_past',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** A domain error: turned into a dead letter and a counter at the edge, never thrown past it. */
export class Rejection {
  constructor(
    readonly reason: RejectReason,
    readonly detail: string,
    /** Set only when the topic or the registry named a well-formed tenant / device. */
    readonly tenant?: string,
    readonly device?: string,
  ) {}
}
