import { describe, expect, it } from 'vitest';
import { AckQueue } from './ack-queue';

describe('AckQueue', () => {
  it('acknowledges in arrival order even when messages finish out of order', () => {
    const sent: number[] = [];
    const q = new AckQueue((id) => sent.push(id));
    const a = q.enqueue(1);
    const b = q.enqueue(2);
    const c = q.enqueue(3);
    c();
    b();
    expect(sent).toEqual([]);
    a();
    expect(sent).toEqual([1, 2, 3]);
    expect(q.size).toBe(0);
  });

  it('counts QoS 0 messages in flight but sends no ack for them', () => {
    const sent: number[] = [];
    const q = new AckQueue((id) => sent.push(id));
    const a = q.enqueue(undefined);
    const b = q.enqueue(7);
    expect(q.size).toBe(2);
    a();
    b();
    expect(sent).toEqual([7]);
  });

  it('forgets the acks of a dropped connection instead of sending them on the new one', () => {
    const sent: number[] = [];
    const q = new AckQueue((id) => sent.push(id));
    const stale = q.enqueue(1);
    q.reset();
    const fresh = q.enqueue(1);
    stale();
    expect(sent).toEqual([]);
    fresh();
    expect(sent).toEqual([1]);
  });

  it('keeps order across compactions of a long stream', () => {
    const sent: number[] = [];
    const q = new AckQueue((id) => sent.push(id));
    const finishers: (() => void)[] = [];
    for (let i = 0; i < 20_000; i++) finishers.push(q.enqueue(i % 65_535));
    // finish in reverse blocks of 1,000 to force holds and compactions
    for (let block = 19; block >= 0; block--) {
      for (let i = block * 1000; i < (block + 1) * 1000; i++) finishers[i]!();
      if (block > 0) expect(sent.length).toBe(0);
    }
    expect(sent.length).toBe(20_000);
    expect(sent.slice(0, 3)).toEqual([0, 1, 2]);
    expect(sent[19_999]).toBe(19_999 % 65_535);
  });
});

describe('AckQueue compaction', () => {
  it('marks the right entry done for messages enqueued after a compaction', () => {
    const sent: number[] = [];
    const q = new AckQueue((id) => sent.push(id));
    for (let i = 0; i < 10_000; i++) q.enqueue(1)(); // acked at once: compacts several times
    const late = [q.enqueue(2), q.enqueue(3)];
    late[1]!();
    expect(sent.length).toBe(10_000);
    late[0]!();
    expect(sent.slice(-2)).toEqual([2, 3]);
    expect(q.size).toBe(0);
  });
});
