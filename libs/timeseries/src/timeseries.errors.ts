/**
 * A point that line protocol cannot carry: no field, a non-finite number, a reserved key,
 * a bad timestamp. Not retryable: the message goes to the dead-letter topic with this reason.
 */
export class InvalidPointError extends Error {
  override readonly name = 'InvalidPointError';

  constructor(
    message: string,
    readonly measurement?: string,
  ) {
    super(measurement === undefined ? message : `${message} (measurement "${measurement}")`);
  }
}

/**
 * InfluxDB could not be reached or could not take the request now: connection refused or
 * reset, timeout, 5xx, 408, 429. Retryable: the caller spools the batch and replays it
 * (writes are idempotent, so a replay of a batch that did land is harmless).
 */
export class InfluxUnavailableError extends Error {
  override readonly name = 'InfluxUnavailableError';
  readonly retryable = true;

  constructor(
    message: string,
    /** HTTP status when the server answered; undefined for network errors and timeouts. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * InfluxDB refused the request (4xx): bad line protocol, field type conflict, unknown
 * database, body over `max-body-size` (413), bad InfluxQL. Sending the same request again
 * fails the same way.
 */
export class InfluxRejectedError extends Error {
  override readonly name = 'InfluxRejectedError';
  readonly retryable = false;

  constructor(
    /** The server's own error text, e.g. `partial write: field type conflict: ... dropped=1`. */
    message: string,
    readonly status: number,
    /**
     * InfluxDB 1.x stores every line of a batch it could parse and type-check, and answers 400
     * "partial write" for the rest: the other points of the batch ARE stored. 1.6 says
     * "partial write" even when the batch's only line was dropped (a "time" tag key).
     */
    readonly partial = false,
    /** Points the server dropped, when it says (`dropped=N`; parse errors report 0). */
    readonly dropped?: number,
  ) {
    super(message);
  }
}
