import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeviceInfo } from '@hv/contracts';
import type { TelegestionEvents } from '../telegestion-events';
import type { CommandRecord } from './command.model';
import type { CommandRepository } from './command.repository';
import { CommandService, type CommandTransport } from './command.service';

const lamps = (n: number): DeviceInfo[] =>
  Array.from({ length: n }, (_, i) => ({ id: `lamp-${i}`, tenant: '02408', type: 'lighting-controller', epci: null, cabinet: null, devEui: null }));

/** A repository in memory whose inserts can be held back, recording every row update. */
class FakeRepository {
  inserts: Array<{ batch: unknown; ids: string[] }> = [];
  updates: Array<Pick<CommandRecord, 'cmdId' | 'status' | 'attempts'>> = [];
  hold: Array<{ release: () => void; fail: (e: Error) => void }> = [];
  holdFrom = Number.POSITIVE_INFINITY;
  async insert(batch: unknown, commands: readonly CommandRecord[]): Promise<void> {
    if (this.inserts.length >= this.holdFrom) {
      await new Promise<void>((release, fail) => this.hold.push({ release, fail }));
    }
    this.inserts.push({ batch, ids: commands.map((c) => c.cmdId) });
  }
  async update(records: readonly CommandRecord[]): Promise<void> {
    for (const r of records) this.updates.push({ cmdId: r.cmdId, status: r.status, attempts: r.attempts });
  }
  async pending(): Promise<CommandRecord[]> {
    return [];
  }
  async activeOverrides(): Promise<CommandRecord[]> {
    return [];
  }
}

class FakeTransport implements CommandTransport {
  readonly ready = true;
  published: Array<{ topic: string; body: Record<string, unknown> }> = [];
  async publish(topic: string, payload: Buffer): Promise<void> {
    this.published.push({ topic, body: JSON.parse(payload.toString('utf8')) as Record<string, unknown> });
  }
}

describe('CommandService', () => {
  let repository: FakeRepository;
  let transport: FakeTransport;
  let batchDone: ReturnType<typeof vi.fn>;
  let service: CommandService;

  beforeEach(async () => {
    vi.useFakeTimers();
    repository = new FakeRepository();
    transport = new FakeTransport();
    batchDone = vi.fn();
    const events = { command: () => undefined, batchDone } as unknown as TelegestionEvents;
    service = new CommandService(repository as unknown as CommandRepository, transport, events, { ratePerS: 1_000_000, ackTimeoutMs: 30_000, maxAttempts: 4, retryBaseMs: 5_000 });
    await service.start();
  });

  afterEach(async () => {
    await service.stop();
    vi.useRealTimers();
  });

  it("sends a group command's first chunk while the next ones are still being stored", async () => {
    repository.holdFrom = 1; // the second chunk's transaction does not commit yet
    const submitted = service.submit(lamps(5_000), 'lighting', { level_pct: 30, reason: 'override' }, { reason: 'override', createdBy: 'test', target: { group: 'all' } });
    await vi.advanceTimersByTimeAsync(200);
    expect(transport.published.length).toBe(1_000);
    const firstChunk = new Set(repository.inserts[0]!.ids);
    expect(transport.published.every((p) => firstChunk.has(p.body.cmd_id as string))).toBe(true);

    repository.holdFrom = Number.POSITIVE_INFINITY;
    repository.hold.shift()!.release();
    const { commands } = await submitted;
    await vi.advanceTimersByTimeAsync(200);
    expect(transport.published.length).toBe(5_000);
    expect(new Set(transport.published.map((p) => p.body.cmd_id)).size).toBe(commands.length);
  });

  it('completes a batch only once every chunk is stored and every command acknowledged', async () => {
    repository.holdFrom = 1;
    const submitted = service.submit(lamps(3_000), 'lighting', { level_pct: 30, reason: 'override' }, { reason: 'override', createdBy: 'test', target: { group: 'all' } });
    await vi.advanceTimersByTimeAsync(100);
    for (const p of transport.published) service.onAck(p.topic.split('/')[4]!, { cmd_id: p.body.cmd_id, ts: Date.now(), status: 'ok', level_pct: 30 });
    expect(batchDone).not.toHaveBeenCalled();

    repository.hold.shift()!.release();
    await submitted;
    await vi.advanceTimersByTimeAsync(100);
    for (const p of transport.published.slice(1_000)) service.onAck(p.topic.split('/')[4]!, { cmd_id: p.body.cmd_id, ts: Date.now(), status: 'ok', level_pct: 30 });
    expect(batchDone).toHaveBeenCalledTimes(1);
    expect(batchDone.mock.calls[0]![1]).toMatchObject({ devices: 3_000, acknowledged: 3_000, failed: 0, expired: 0 });
    expect((repository.inserts[0]!.batch as { devices: number }).devices).toBe(3_000);
  });

  it('stores nothing, queues nothing and completes no batch when the first transaction fails', async () => {
    repository.holdFrom = 0;
    const submitted = service.submit(lamps(10), 'lighting', { level_pct: 30, reason: 'override' }, { reason: 'override', createdBy: 'test', target: { group: 'all' } });
    const outcome = expect(submitted).rejects.toThrow('connection refused');
    await vi.advanceTimersByTimeAsync(0);
    repository.hold.shift()!.fail(new Error('connection refused'));
    await outcome;
    await vi.advanceTimersByTimeAsync(500);
    expect(transport.published).toHaveLength(0);
    expect(service.pendingCount).toBe(0);
    expect(batchDone).not.toHaveBeenCalled();
  });

  it('writes a send answered within a second as one update, and an unanswered send after a second', async () => {
    const { commands } = await service.submit(lamps(2), 'lighting', { level_pct: 30, reason: 'override' }, { reason: 'override', createdBy: 'test', target: { devices: ['lamp-0', 'lamp-1'] } });
    await vi.advanceTimersByTimeAsync(300);
    service.onAck('lamp-0', { cmd_id: commands[0]!.cmdId, ts: Date.now(), status: 'ok', level_pct: 30 });
    await vi.advanceTimersByTimeAsync(1_500);
    expect(repository.updates.filter((u) => u.cmdId === commands[0]!.cmdId)).toEqual([{ cmdId: commands[0]!.cmdId, status: 'acknowledged', attempts: 1 }]);
    expect(repository.updates.filter((u) => u.cmdId === commands[1]!.cmdId)).toEqual([{ cmdId: commands[1]!.cmdId, status: 'sent', attempts: 1 }]);
  });

  it("publishes cmd_id, ts and the body, the record's cmd_id winning over one in the body", async () => {
    const { commands } = await service.submit(lamps(1), 'lighting', { level_pct: 30, reason: 'override', cmd_id: 'forged' }, { reason: 'override', expiresAt: 2_000_000_000_000, createdBy: 'test', target: { devices: ['lamp-0'] } });
    await vi.advanceTimersByTimeAsync(100);
    expect(transport.published).toEqual([{ topic: 'hv/v1/02408/lighting/lamp-0/cmd', body: { cmd_id: commands[0]!.cmdId, ts: expect.any(Number), level_pct: 30, reason: 'override', expires_at: 2_000_000_000_000 } }]);
  });
});
