import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { addressProblem } from './special-addresses';

/** Why an address may not be reached, or null when it may (special-addresses.ts; tests inject their own). */
export type AddressClassifier = (address: string) => string | null;
/** Every address a name resolves to (dns.lookup with `all`, by default). */
export type Resolver = (hostname: string, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

export interface WebhookAddressGuardOptions {
  /** HV_WEBHOOK_ALLOW_PRIVATE: every address may be reached (tests, a syndicate's own network). */
  allowPrivate: boolean;
  classify?: AddressClassifier;
  resolve?: Resolver;
}

/** How long the subscription-time check waits for DNS, ms; past it the name is accepted and checked at delivery. */
const SUBSCRIPTION_LOOKUP_TIMEOUT_MS = 2_000;

const systemResolver: Resolver = (hostname, callback) => dnsLookup(hostname, { all: true, verbatim: true }, callback);

export class PrivateAddressError extends Error {
  override readonly name = 'PrivateAddressError';
}

/**
 * Which webhook destinations the notifier may connect to. The decision is made on the
 * addresses a name resolves to, in the socket's own DNS lookup (so the address checked is
 * the address connected to: a name that resolves elsewhere a second later, DNS rebinding,
 * gains nothing), and on the URL's host itself when it is an IP literal (Node connects to
 * those without a lookup). The subscription-time check is early feedback only.
 */
export class WebhookAddressGuard {
  private readonly classify: AddressClassifier;
  private readonly resolve: Resolver;

  constructor(readonly options: WebhookAddressGuardOptions) {
    this.classify = options.allowPrivate ? () => null : (options.classify ?? addressProblem);
    this.resolve = options.resolve ?? systemResolver;
  }

  /**
   * Why the URL's host, as written, may not be reached: an IP literal judged now, or a
   * localhost name (RFC 6761: `localhost`, `*.localhost`, with or without the final dot,
   * any case). Null for any other name, which is judged once resolved.
   */
  hostProblem(hostname: string): string | null {
    const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (isIP(host)) return this.classify(host);
    if (this.options.allowPrivate) return null;
    const name = host.replace(/\.+$/, '');
    if (name === 'localhost' || name.endsWith('.localhost')) return `${hostname} names the local host`;
    return null;
  }

  /**
   * For `http.request({ lookup })`: resolves the name, refuses the connection with a
   * PrivateAddressError when any address it resolves to may not be reached (all of them
   * are checked, since the socket may try each: Happy Eyeballs), and hands the rest on.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const problem = addresses.length === 0 ? `${hostname} resolves to no address` : addresses.map((a) => this.classify(a.address)).find((p) => p !== null);
      if (problem) return callback(new PrivateAddressError(`${hostname}: ${problem}`), '', 4);
      const family = (options as { family?: number }).family;
      const usable = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
      if (usable.length === 0) return callback(Object.assign(new Error(`${hostname} has no IPv${family} address`), { code: 'ENOTFOUND' }), '', 4);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
      return callback(null, usable[0]!.address, usable[0]!.family);
    });
  };

  /**
   * Early feedback when a subscription is made: why `url` may not be reached, or null. The
   * name is resolved too; a name that does not resolve (yet) is accepted, since delivery
   * checks again at every connection.
   */
  async urlProblem(url: string): Promise<string | null> {
    const { hostname } = new URL(url);
    const problem = this.hostProblem(hostname);
    if (problem || this.options.allowPrivate || isIP(hostname.replace(/^\[|\]$/g, ''))) return problem;
    const addresses = await new Promise<LookupAddress[]>((done) => {
      const timer = setTimeout(() => done([]), SUBSCRIPTION_LOOKUP_TIMEOUT_MS);
      this.resolve(hostname, (error, found) => {
        clearTimeout(timer);
        done(error ? [] : found);
      });
    });
    return addresses.map((a) => this.classify(a.address)).find((p) => p !== null) ?? null;
  }
}

/** Why a webhook may not connect to `address`, or null; a boolean for callers that need no reason. */
export function isPrivateAddress(address: string): boolean {
  return addressProblem(address) !== null;
}

/** A host a subscriber names that is plainly private (a literal address, a localhost name); names are checked again when resolved. */
export function isPrivateHost(hostname: string): boolean {
  return new WebhookAddressGuard({ allowPrivate: false }).hostProblem(hostname) !== null;
}
