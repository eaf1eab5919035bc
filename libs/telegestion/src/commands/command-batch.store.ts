import type { Logger } from '@nestjs/common';
import type { CommandRecord } from './command.model';
import type { CommandRepository } from './command.repository';

/**
 * A group command is stored in chunks, each queued as soon as it commits while the next
 * ones are stored: 50,000 rows took 2–3.5 s to store in one transaction, before anything
 * could leave. The first chunk is small, so that sending starts at once; the next ones are
 * one statement each (small chunks in transactions were several times slower during a
 * fan-out, each of their four round trips waiting for a busy event loop).
 */
const FIRST_STORE_CHUNK = 1_000;
const STORE_CHUNK = 5_000;
/** A chunk after the first that fails to store is tried this often (backoff from 250 ms) before the store gives up on the rest. */
const STORE_ATTEMPTS = 5;
const STORE_RETRY_BASE_MS = 250;

export type BatchRow = { id: string; tenant: string | null; target: unknown; body: unknown; reason: string; createdBy: string };

/**
 * Stores a batch's commands chunk by chunk, handing each chunk on as soon as it is stored.
 * The batch row and the first FIRST_STORE_CHUNK commands are one transaction: its failure
 * stores nothing. A later chunk is retried, and if it still fails the commands already
 * stored stay handed on (they are pending, and a restart resumes them) and the store
 * rejects, saying how many were stored.
 */
export class CommandBatchStore {
  constructor(
    private readonly repository: CommandRepository,
    private readonly logger: Logger,
  ) {}

  async store(batch: BatchRow, commands: readonly CommandRecord[], onStored: (chunk: readonly CommandRecord[]) => void): Promise<void> {
    for (let i = 0; i < commands.length; ) {
      const chunk = commands.slice(i, i + (i === 0 ? FIRST_STORE_CHUNK : STORE_CHUNK));
      if (i === 0) await this.repository.insert({ ...batch, devices: commands.length }, chunk);
      else await this.storeChunk(chunk, i, commands.length);
      onStored(chunk);
      i += chunk.length;
    }
  }

  private async storeChunk(chunk: readonly CommandRecord[], stored: number, total: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.repository.insert(null, chunk);
      } catch (error) {
        if (attempt >= STORE_ATTEMPTS) throw new Error(`${stored} of ${total} commands stored and on their way, the others not: ${(error as Error).message}`);
        this.logger.warn(`commands ${stored + 1}–${stored + chunk.length} of ${total} not stored (attempt ${attempt}, retrying): ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, STORE_RETRY_BASE_MS * 2 ** (attempt - 1)));
      }
    }
  }
}
