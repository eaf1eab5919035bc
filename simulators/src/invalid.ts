import { REJECT_REASONS, type RejectReason } from '@hv/contracts';
import type { Fleet } from './fleet';
import { InvalidContext } from './invalid-context';
import { VARIANTS, type InvalidVariant } from './invalid-variants';
import type { Seed } from './random';

/** Every reason ingest gives for a refusal: invalidMessages() produces each of them. */
export const SIM_REJECT_REASONS = REJECT_REASONS;
export type SimRejectReason = RejectReason;

export interface InvalidMessage {
  topic: string;
  payload: Buffer;
  expectedReason: SimRejectReason;
  /** What is wrong with it, for test names and logs. */
  description: string;
}

export interface InvalidOptions {
  /**
   * The platform clock the messages will meet, epoch ms. Without it, timestamps that must
   * be refused are absolute (year 2100 for the future, 2000 for the past), which holds
   * for any plausible clock.
   */
  nowMs?: number;
  /** Ingest limits (defaults: DEVICE-CONTRACT.md). */
  maxPayloadBytes?: number;
  maxFutureMs?: number;
  maxPastMs?: number;
  /** Only these reasons (e.g. leave out `oversized` where the broker disconnects for it). */
  reasons?: readonly SimRejectReason[];
}

/**
 * Messages ingest must refuse, each with the one reason it must give. Every round covers
 * every reason (in a seeded order) with a seeded variant of it; variants that need
 * something the fleet lacks (a LoRaWAN device, a second domain) are skipped for another.
 */
export function* invalidMessages(fleet: Fleet, seed: Seed, count: number, options: InvalidOptions = {}): Generator<InvalidMessage, void, undefined> {
  if (fleet.devices.length === 0) throw new RangeError('invalidMessages() needs a fleet with at least one device');
  const reasons = [...(options.reasons ?? SIM_REJECT_REASONS)];
  if (reasons.length === 0) return;
  const ctx = new InvalidContext(fleet, seed, options);
  const order = [...reasons];
  for (let i = 0; i < count; i++) {
    if (i % order.length === 0) ctx.rng.shuffle(order);
    const reason = order[i % order.length]!;
    const variants = ctx.rng.shuffle([...VARIANTS[reason]]);
    let made: InvalidVariant | null = null;
    for (const v of variants) if ((made = v(ctx))) break;
    if (!made) throw new RangeError(`this fleet cannot produce a "${reason}" message`);
    yield { ...made, expectedReason: reason };
  }
}

