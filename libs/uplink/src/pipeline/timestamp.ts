/**
 * Whether a device timestamp (epoch ms) lies in the window the uplink path accepts: a fault of time
 * is judged on the number itself, even one the schema refuses, so that every kind of fault
 * has one reason. A ts too large to be a date (past ECMAScript's ±8.64e15 ms, or `1e400`, which
 * JSON.parse reads as Infinity) is still a time in the future, not a malformed message;
 * one before 1970 (negative) or far back is in the past. Only what is not a number at all,
 * or not an integer inside the window, is left to the schema.
 */
export interface TimestampWindow {
  maxFutureMs: number;
  maxPastMs: number;
}

export type TimestampFault = { reason: 'timestamp_future' | 'timestamp_past'; detail: string };

/** ECMAScript's time value range (ECMA-262 §21.4.1.22): ±100,000,000 days around the epoch, ms. */
export const MAX_DATE_MS = 8.64e15;

export function judgeTimestamp(ts: unknown, receivedAtMs: number, window: TimestampWindow, field = 'ts'): TimestampFault | undefined {
  if (typeof ts !== 'number' || Number.isNaN(ts)) return undefined;
  if (ts > receivedAtMs + window.maxFutureMs) {
    return { reason: 'timestamp_future', detail: `${field} ${describeInstant(ts)} is ahead of the platform clock by more than ${window.maxFutureMs} ms` };
  }
  if (ts < receivedAtMs - window.maxPastMs) {
    return { reason: 'timestamp_past', detail: `${field} ${describeInstant(ts)} is older than the accepted window of ${window.maxPastMs} ms` };
  }
  return undefined;
}

/** An instant as ISO 8601 when it is one; the raw number, said out of range, when not (toISOString would throw). */
export function describeInstant(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? new Date(Math.trunc(ms)).toISOString() : `${ms} (not a representable date)`;
}
