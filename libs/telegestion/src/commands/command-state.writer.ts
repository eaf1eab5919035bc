import type { Logger } from '@nestjs/common';
import type { CommandRecord } from './command.model';
import type { CommandRepository } from './command.repository';

/**
 * A send (or a retry's rescheduling) is written this late, ms: a device that answers within
 * it has its send and its ack written as one row update, not two. Losing it in a crash
 * costs a second send of the same cmd_id, which the device applies once.
 */
const SENT_WRITE_DELAY_MS = 1_000;

/**
 * Command state changes written behind, in batches: a change at the next flush, a send or a
 * rescheduling once SENT_WRITE_DELAY_MS old (or with the record's next change). Each record
 * is written whole, as it stands in memory.
 */
export class CommandStateWriter {
  /** Changed, written at the next flush. */
  private readonly dirty = new Map<string, CommandRecord>();
  /** Sent or rescheduled, written once SENT_WRITE_DELAY_MS old (or with their next change), with when they changed; in that order. */
  private readonly sentDirty = new Map<string, { c: CommandRecord; at: number }>();
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly repository: CommandRepository,
    private readonly logger: Logger,
  ) {}

  /** A send or a rescheduling: written a little later (SENT_WRITE_DELAY_MS). */
  markSent(c: CommandRecord): void {
    if (!this.dirty.has(c.cmdId) && !this.sentDirty.has(c.cmdId)) this.sentDirty.set(c.cmdId, { c, at: Date.now() });
  }

  /** Any other change: written at the next flush. */
  markChanged(c: CommandRecord): void {
    this.sentDirty.delete(c.cmdId);
    this.dirty.set(c.cmdId, c);
  }

  /**
   * Writes the changed commands (a send not written yet goes with its ack); `all` also
   * writes the recent sends (stop). On failure they stay dirty and go with the next flush.
   */
  async flush(all = false): Promise<void> {
    if (this.flushing) return this.flushing;
    const due = all ? Number.POSITIVE_INFINITY : Date.now() - SENT_WRITE_DELAY_MS;
    for (const [id, { c, at }] of this.sentDirty) {
      if (at > due) break; // in the order they were sent
      this.sentDirty.delete(id);
      this.dirty.set(id, c);
    }
    if (this.dirty.size === 0) return;
    const batch = [...this.dirty.values()];
    this.dirty.clear();
    this.flushing = this.repository
      .update(batch)
      .catch((error: Error) => {
        this.logger.warn(`command states not written (${batch.length}, will retry): ${error.message}`);
        for (const c of batch) if (!this.dirty.has(c.cmdId)) this.dirty.set(c.cmdId, c);
      })
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }

  /** Lets a flush in progress end, then writes everything left, recent sends included. */
  async stop(): Promise<void> {
    await this.flushing;
    await this.flush(true);
  }
}
