import type { Client } from 'aedes';

/** aedes' per-client delivery of a QoS > 0 packet (not in its type declarations). */
type Deliver = (packet: unknown, cb: () => void) => void;
type Delivering = Client & { deliverQoS: Deliver; broker: { persistence: { outgoingStream(client: Client): AsyncIterable<unknown> } } };

/**
 * Keeps a resumed persistent session in order. aedes 1.2 restores a returning client's
 * subscriptions, then streams the messages queued while it was away (a snapshot, written
 * with backpressure) while new messages are already delivered live: a consumer back from a
 * restart reads a message published now before those published while it was away
 * (moscajs/aedes#649), where MQTT 3.1.1 §4.6 wants each publisher's messages on a topic in
 * order. Telegestion then judged the fleet silent against a clock that had jumped ahead,
 * and skipped the older readings as not newer.
 *
 * Installed before the connection is processed (aedes' preConnect), this holds the live
 * QoS > 0 deliveries to a `clean: false` client until its queue has been written (aedes
 * emits `connected` once it is), then hands them on in their order. Each held delivery
 * keeps its callback, which aedes calls once the packet is written, as it does for any
 * slow subscriber; each is also in the session's stored queue already (aedes stores a
 * QoS > 0 message for every persistent subscriber before delivering it), so if the
 * connection fails first, the held deliveries are released unwritten and the queue has
 * them for the next session.
 */
export function keepResumedSessionInOrder(aedesClient: Client, clean: boolean): void {
  if (clean) return;
  const client = aedesClient as Delivering;
  const deliver: Deliver = client.deliverQoS.bind(client);
  let held: Array<[HeldPacket, () => void]> | null = [];
  let releasing = false;
  client.deliverQoS = (packet, cb) => {
    if (held) held.push([packet as HeldPacket, cb]);
    else deliver(packet, cb);
  };
  const release = async (write: boolean) => {
    if (releasing) return;
    releasing = true;
    // A message published between the restored subscriptions and the queue's snapshot
    // was in both: the queue wrote it (it has a packet id now) or it is already
    // acknowledged (gone). Only the ones the queue has not written are delivered here.
    // Those held while the queue is read were stored after it: all of them are delivered.
    const before = held?.length ?? 0;
    const unsent = write ? await unsentOf(client) : new Set<string>();
    const pending = held ?? [];
    held = null;
    // The skipped ones' callbacks last: a callback lets aedes emit the next message at
    // once, and a newer message delivered first would make aedes drop the older ones
    // (its per-client de-duplication keeps the highest counter seen).
    const skipped: Array<() => void> = [];
    pending.forEach(([packet, cb], i) => {
      if (write && (i >= before || unsent.has(keyOf(packet)))) deliver(packet, cb);
      else skipped.push(cb);
    });
    for (const cb of skipped) cb();
  };
  client.once('connected', () => void release(true));
  client.conn.once('close', () => void release(false));
}

interface HeldPacket {
  brokerId: string;
  brokerCounter: number;
  messageId?: number;
}

function keyOf(p: HeldPacket): string {
  return `${p.brokerId}:${p.brokerCounter}`;
}

/** The session's stored messages not yet written to it (no packet id assigned). */
async function unsentOf(client: Delivering): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const p of client.broker.persistence.outgoingStream(client) as AsyncIterable<HeldPacket>) if (p.messageId === undefined) out.add(keyOf(p));
  return out;
}
