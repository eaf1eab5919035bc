/**
 * Releases QoS 1 acknowledgements in the order the messages arrived (MQTT 3.1.1 §4.6:
 * "it MUST send PUBACK packets in the order in which the corresponding PUBLISH packets
 * were received"), each only once its message reached its end (stored, spooled or
 * dead-lettered). A message that is still being written holds back the acks behind it.
 */
export class AckQueue {
  private ids: number[] = [];
  private done: boolean[] = [];
  private head = 0;
  private generation = 0;
  /** Entries dropped from the front of the arrays by compaction. */
  private shifted = 0;

  constructor(private readonly send: (messageId: number) => void) {}

  /** Messages received and not yet acknowledged (or finished, for QoS 0). */
  get size(): number {
    return this.ids.length - this.head;
  }

  /** Registers a message; returns the function to call once it is durable. */
  enqueue(messageId: number | undefined): () => void {
    const index = this.shifted + this.ids.length; // absolute: survives compaction
    const generation = this.generation;
    // QoS 0 messages (TTS uplinks) have no id: they take a slot so in-flight stays bounded.
    this.ids.push(messageId ?? -1);
    this.done.push(false);
    return () => {
      if (generation !== this.generation) return; // from a connection that is gone
      this.done[index - this.shifted] = true;
      this.release();
    };
  }

  /**
   * The connection dropped: pending acks would acknowledge ids of the old session, so they
   * are forgotten; the broker redelivers those messages and the idempotent write absorbs
   * the duplicate.
   */
  reset(): void {
    this.generation++;
    this.ids = [];
    this.done = [];
    this.head = 0;
    this.shifted = 0;
  }


  private release(): void {
    while (this.head < this.ids.length && this.done[this.head]) {
      const id = this.ids[this.head]!;
      if (id >= 0) this.send(id);
      this.head++;
    }
    // Compact now and then so the arrays do not grow without bound.
    if (this.head > 4_096 && this.head * 2 > this.ids.length) {
      this.ids = this.ids.slice(this.head);
      this.done = this.done.slice(this.head);
      this.shifted += this.head;
      this.head = 0;
    }
  }
}
