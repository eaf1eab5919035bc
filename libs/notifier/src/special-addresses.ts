import { isIP } from 'node:net';

/**
 * Which IP addresses a webhook may reach: globally routable unicast only. Everything else
 * (loopback, private, link-local, shared, documentation, multicast, reserved: the IANA
 * special-purpose registries, RFC 6890) would let a collectivité's key aim the notifier's
 * POST at the platform's own services or the cloud's metadata endpoint. IPv6 forms that
 * carry an IPv4 address are judged by that address, whatever their notation.
 */

/** IPv4 blocks that are not the public internet: [network, prefix length, why]. */
const IPV4_BLOCKS: ReadonlyArray<readonly [string, number, string]> = [
  ['0.0.0.0', 8, '"this network" (RFC 791)'],
  ['10.0.0.0', 8, 'private (RFC 1918)'],
  ['100.64.0.0', 10, 'shared carrier-grade NAT (RFC 6598)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local, where cloud metadata answers (RFC 3927)'],
  ['172.16.0.0', 12, 'private (RFC 1918)'],
  ['192.0.0.0', 24, 'IETF protocol assignments (RFC 6890)'],
  ['192.0.2.0', 24, 'documentation (RFC 5737)'],
  ['192.88.99.0', 24, '6to4 relay anycast (RFC 7526)'],
  ['192.168.0.0', 16, 'private (RFC 1918)'],
  ['198.18.0.0', 15, 'benchmarking (RFC 2544)'],
  ['198.51.100.0', 24, 'documentation (RFC 5737)'],
  ['203.0.113.0', 24, 'documentation (RFC 5737)'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved, broadcast included (RFC 1112)'],
];

const ipv4Number = (address: string): number => address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const ipv4Of = (high: number, low: number): string => [high >> 8, high & 255, low >> 8, low & 255].join('.');

function ipv4Problem(address: string): string | null {
  const n = ipv4Number(address);
  for (const [net, prefix, why] of IPV4_BLOCKS) {
    const size = 2 ** (32 - prefix);
    if (Math.floor(n / size) === Math.floor(ipv4Number(net) / size)) return `${address} is ${why}`;
  }
  return null;
}

/** The eight 16-bit words of an IPv6 address (a zone `%eth0` dropped, a dotted IPv4 tail read), or null. */
export function ipv6Words(address: string): number[] | null {
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    if (isIP(dotted) !== 4) return null;
    const n = ipv4Number(dotted);
    text = `${text.slice(0, -dotted.length)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const words = (s: string) => (s === '' ? [] : s.split(':').map((w) => (/^[0-9a-f]{1,4}$/i.test(w) ? parseInt(w, 16) : NaN)));
  const head = words(halves[0]!);
  const tail = halves.length === 2 ? words(halves[1]!) : [];
  const fill = 8 - head.length - tail.length;
  if ((halves.length === 2 ? fill < 1 : fill !== 0) || [...head, ...tail].some(Number.isNaN)) return null;
  return [...head, ...Array<number>(fill).fill(0), ...tail];
}

/** IPv6 blocks outside 2000::/3 (which is refused whole) or special within it: [first words, prefix length, why]. */
const IPV6_BLOCKS: ReadonlyArray<readonly [number[], number, string]> = [
  [[0x2001, 0x0db8], 32, 'documentation (RFC 3849)'],
  [[0x3fff], 20, 'documentation (RFC 9637)'],
  [[0x2001, 0x0002, 0], 48, 'benchmarking (RFC 5180)'],
  [[0x2001, 0x0010], 28, 'ORCHID (RFC 4843)'],
  [[0x2001, 0x0020], 28, 'ORCHIDv2 (RFC 7343)'],
  [[0x5f00], 16, 'SRv6 SIDs (RFC 9602)'],
];

function inBlock(words: readonly number[], first: readonly number[], prefix: number): boolean {
  for (let bit = 0; bit < prefix; bit += 16) {
    const take = Math.min(16, prefix - bit);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if (((words[bit / 16] ?? 0) & mask) !== ((first[bit / 16] ?? 0) & mask)) return false;
  }
  return true;
}

/**
 * The IPv4 addresses an IPv6 address carries (RFC 4291, 2765, 6052, 3056, 4380, 5214).
 * `only`: the IPv6 address is nothing but a notation of the IPv4 one (mapped, compatible,
 * translated, NAT64), which alone then decides; tunnels (6to4, Teredo, ISATAP) are judged
 * as IPv6 addresses too.
 */
export function embeddedIpv4(w: readonly number[]): { only: boolean; carried: Array<{ form: string; ipv4: string }> } {
  const zero = (from: number, to: number) => w.slice(from, to).every((x) => x === 0);
  const last = ipv4Of(w[6]!, w[7]!);
  const only = (form: string) => ({ only: true, carried: [{ form, ipv4: last }] });
  if (zero(0, 5) && w[5] === 0xffff) return only('IPv4-mapped');
  if (zero(0, 6)) return only('IPv4-compatible'); // :: and ::1 included: 0.0.0.0 and 0.0.0.1
  if (zero(0, 4) && w[4] === 0xffff && w[5] === 0) return only('IPv4-translated');
  if (w[0] === 0x64 && w[1] === 0xff9b && zero(2, 6)) return only('NAT64');
  const carried: Array<{ form: string; ipv4: string }> = [];
  if (w[0] === 0x2002) carried.push({ form: '6to4', ipv4: ipv4Of(w[1]!, w[2]!) });
  // Teredo: the server's address, then the client's, stored inverted.
  if (w[0] === 0x2001 && w[1] === 0) carried.push({ form: 'Teredo server', ipv4: ipv4Of(w[2]!, w[3]!) }, { form: 'Teredo client', ipv4: ipv4Of(~w[6]! & 0xffff, ~w[7]! & 0xffff) });
  // ISATAP interface ids 0000:5efe and 0200:5efe (the u and g bits may be set), under any prefix.
  if ((w[4]! & 0xfcff) === 0 && w[5] === 0x5efe) carried.push({ form: 'ISATAP', ipv4: last });
  return { only: false, carried };
}

function ipv6Problem(address: string): string | null {
  const w = ipv6Words(address);
  if (!w) return `${address} is not an IPv6 address`;
  const { only, carried } = embeddedIpv4(w);
  for (const { form, ipv4 } of carried) {
    const problem = ipv4Problem(ipv4);
    if (problem) return `${address} (${form} of ${ipv4}): ${problem}`;
  }
  if (only) return null;
  for (const [first, prefix, why] of IPV6_BLOCKS) if (inBlock(w, first, prefix)) return `${address} is ${why}`;
  if (!inBlock(w, [0x2000], 3)) return `${address} is ${OUTSIDE_GLOBAL.find(([first, prefix]) => inBlock(w, first, prefix))?.[2] ?? 'not global unicast (2000::/3)'}`;
  return null;
}

/** Why an address outside 2000::/3 is refused, for the message. */
const OUTSIDE_GLOBAL: ReadonlyArray<readonly [number[], number, string]> = [
  [[0x64, 0xff9b, 1], 48, 'local-use NAT64 (RFC 8215)'],
  [[0xfc00], 7, 'a unique local address (RFC 4193)'],
  [[0xfe80], 10, 'link-local'],
  [[0xfec0], 10, 'site-local (deprecated, RFC 3879)'],
  [[0xff00], 8, 'multicast'],
  [[0x0100, 0, 0, 0], 64, 'discard-only (RFC 6666)'],
];

/** Why a webhook may not connect to `address` (an IP address), or null when it may. Anything that is not an address is refused. */
export function addressProblem(address: string): string | null {
  const family = isIP(address);
  if (family === 4) return ipv4Problem(address);
  if (family === 6) return ipv6Problem(address);
  return `${address} is not an IP address`;
}
