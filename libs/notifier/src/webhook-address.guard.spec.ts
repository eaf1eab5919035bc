import { describe, expect, it } from 'vitest';
import { addressProblem, ipv6Words } from './special-addresses';
import { isPrivateHost, WebhookAddressGuard } from './webhook-address.guard';

const hex = (n: number) => n.toString(16);
/** The two 16-bit words of an IPv4 address. */
const words = (ipv4: string) => {
  const [a, b, c, d] = ipv4.split('.').map(Number) as [number, number, number, number];
  return [(a << 8) | b, (c << 8) | d];
};
const inverted = (ipv4: string) => words(ipv4).map((w) => hex(~w & 0xffff));

/** Every IPv6 notation that carries an IPv4 address, in its written forms (dotted tail, hex words, uncompressed, upper case). */
function ipv6FormsOf(ipv4: string): string[] {
  const [hi, lo] = words(ipv4).map(hex) as [string, string];
  return [
    `::ffff:${ipv4}`, `::ffff:${hi}:${lo}`, `0:0:0:0:0:ffff:${hi}:${lo}`, `::FFFF:${hi.toUpperCase()}:${lo}`, // IPv4-mapped
    `::${ipv4}`, `::${hi}:${lo}`, // IPv4-compatible
    `::ffff:0:${ipv4}`, `::ffff:0:${hi}:${lo}`, // IPv4-translated (SIIT)
    `64:ff9b::${ipv4}`, `64:ff9b::${hi}:${lo}`, // NAT64 well-known prefix
    `2002:${hi}:${lo}::1`, `2002:${hi}:${lo}:5::abcd`, // 6to4
    `2001:0:${hi}:${lo}:0:0:${inverted('8.8.4.4').join(':')}`, // Teredo server (a public client)
    `2001:0:4136:e378:8000:63bf:${inverted(ipv4).join(':')}`, // Teredo client (stored inverted)
    `2a01:e0a:1:2:0:5efe:${ipv4}`, `2a01:e0a:1:2:200:5efe:${hi}:${lo}`, // ISATAP under a global prefix
    `fe80::5efe:${ipv4}%eth0`,
  ];
}

const PRIVATE_V4 = [
  '0.0.0.0', '0.1.2.3', '10.0.0.1', '10.255.255.255', '100.64.0.1', '100.127.255.254', '127.0.0.1', '127.1.2.3', '127.255.255.255', '169.254.169.254',
  '172.16.0.1', '172.31.255.255', '192.0.0.8', '192.0.2.10', '192.88.99.1', '192.168.1.10', '198.18.0.1', '198.19.255.255', '198.51.100.7', '203.0.113.9',
  '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
];
const PUBLIC_V4 = ['8.8.8.8', '193.51.24.1', '1.1.1.1', '100.63.255.255', '100.128.0.1', '172.15.255.255', '172.32.0.1', '198.17.255.255', '198.20.0.1', '223.255.255.254', '9.255.255.255', '11.0.0.0'];

describe('which addresses a webhook may reach', () => {
  it.each(PRIVATE_V4)('refuses %s and every IPv6 form that carries it', (ipv4) => {
    expect(addressProblem(ipv4), ipv4).not.toBeNull();
    for (const form of ipv6FormsOf(ipv4)) {
      expect(ipv6Words(form), form).not.toBeNull();
      expect(addressProblem(form), form).not.toBeNull();
    }
  });

  it.each(PUBLIC_V4)('takes %s and its IPv6 forms on the public internet (mapped, NAT64, 6to4, Teredo, ISATAP under a global prefix)', (ipv4) => {
    expect(addressProblem(ipv4)).toBeNull();
    const forms = ipv6FormsOf(ipv4);
    for (const form of forms.filter((f) => !f.startsWith('fe80'))) expect(addressProblem(form), form).toBeNull();
    expect(addressProblem(forms.at(-1)!)).toMatch(/link-local/); // link-local whatever it carries
  });

  it('the issue\'s samples: [::127.0.0.1] and 6to4 of 127.0.0.1 are loopback', () => {
    expect(addressProblem('::7f00:1')).toMatch(/IPv4-compatible of 127\.0\.0\.1.*loopback/);
    expect(addressProblem('2002:7f00:1::1')).toMatch(/6to4 of 127\.0\.0\.1.*loopback/);
  });

  it.each([
    ['::', 'IPv4-compatible'], ['::1', 'IPv4-compatible'], ['fc00::1', 'unique local'], ['fdff:ffff::1', 'unique local'], ['fe80::1', 'link-local'], ['febf::1', 'link-local'],
    ['fec0::1', 'site-local'], ['ff02::1', 'multicast'], ['ff05::1:3', 'multicast'], ['64:ff9b:1::a00:1', 'local-use NAT64'], ['64:ff9b:1:ffff::1', 'local-use NAT64'],
    ['100::1', 'discard'], ['2001:db8::1', 'documentation'], ['3fff::1', 'documentation'], ['2001:2::1', 'benchmarking'], ['2001:10::1', 'ORCHID'], ['2001:20::1', 'ORCHIDv2'],
    ['5f00::1', 'SRv6'], ['4000::1', 'not global unicast'], ['e000::1', 'not global unicast'], ['::2:0:0:1', 'not global unicast'],
  ])('refuses IPv6 %s (%s)', (address, why) => {
    expect(addressProblem(address)).toContain(why);
  });

  it('takes global unicast IPv6 addresses', () => {
    for (const a of ['2001:4860:4860::8888', '2a01:e0a:1e5:b2e0::1', '2606:4700:4700::1111', '2001:41d0:1:2::3']) expect(addressProblem(a), a).toBeNull();
  });

  it('refuses what is not an address at all', () => {
    for (const a of ['', 'localhost', '127.1', '0x7f000001', '1.2.3.4.5', ':::1', '1::2::3', '12345::1']) expect(addressProblem(a), a).not.toBeNull();
  });
});

describe('the host a subscriber writes', () => {
  it.each(['localhost', 'LOCALHOST', 'localhost.', 'LOCALHOST.', 'localhost..', 'api.localhost', 'api.localhost.', '[::1]', '[::7f00:1]', '[2002:7f00:1::1]', '127.0.0.1', '[::ffff:7f00:1]', '169.254.169.254'])('%s is refused before any lookup', (host) => {
    expect(isPrivateHost(host)).toBe(true);
  });

  it('other names are judged once resolved', () => {
    expect(isPrivateHost('hooks.laon.fr')).toBe(false);
    expect(isPrivateHost('localhost.laon.fr')).toBe(false);
  });

  it('at subscription, a name is resolved and judged on its addresses; a name that does not resolve is left to delivery', async () => {
    const zone: Record<string, string[]> = { 'hooks.laon.fr': ['193.51.24.1'], 'rebind.example': ['8.8.8.8', '127.0.0.1'], 'v6.example': ['2002:a00:1::1'] };
    const guard = new WebhookAddressGuard({
      allowPrivate: false,
      resolve: (name, cb) => (zone[name] ? cb(null, zone[name]!.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))) : cb(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), [])),
    });
    expect(await guard.urlProblem('https://hooks.laon.fr/alerts')).toBeNull();
    expect(await guard.urlProblem('https://rebind.example/')).toMatch(/127\.0\.0\.1.*loopback/);
    expect(await guard.urlProblem('https://v6.example/')).toMatch(/6to4 of 10\.0\.0\.1/);
    expect(await guard.urlProblem('https://nowhere.example/')).toBeNull();
    expect(await guard.urlProblem('http://LOCALHOST./')).toMatch(/local host/);
    expect(await guard.urlProblem('http://[::127.0.0.1]:3000/')).toMatch(/loopback/);
    expect(await new WebhookAddressGuard({ allowPrivate: true }).urlProblem('http://[::1]:3000/')).toBeNull();
  });
});
