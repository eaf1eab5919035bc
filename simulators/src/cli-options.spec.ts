import { describe, expect, it } from 'vitest';
import { CliUsageError, parseCliArgs, startDate } from './cli-options';

describe('parseCliArgs()', () => {
  it('has the documented defaults: demo fleet at 50 msg/s until stopped', () => {
    expect(parseCliArgs([])).toMatchObject({ url: 'mqtt://127.0.0.1:1883', fleet: 'demo', rate: 50, count: Number.POSITIVE_INFINITY, qos: 1, window: 1000, events: false });
  });

  it('reads every option', () => {
    const o = parseCliArgs(['--url', 'mqtt://h:1884', '--fleet', 'mixed', '--rate', '0', '--count', '500', '--seed', 's', '--username', 'gw', '--password', 'pw', '--qos', '0', '--window', '64', '--events', '--lorawan', 'tts']);
    expect(o).toMatchObject({ url: 'mqtt://h:1884', fleet: 'mixed', rate: 0, count: 500, seed: 's', username: 'gw', password: 'pw', qos: 0, window: 64, events: true, lorawan: 'tts' });
    expect(parseCliArgs(['--lorawan', 'chirpstack', '--lorawan-model', 'elsys-ers-co2'])).toMatchObject({ lorawan: 'chirpstack', lorawanModel: 'elsys-ers-co2' });
  });

  it.each([
    [['--fleet', 'big']],
    [['--rate', 'fast']],
    [['--count', '-1']],
    [['--count', '1.5']],
    [['--qos', '2']],
    [['--window', '0']],
    [['--lorawan', 'helium']],
    [['--lorawan-model', 'milesight-am103']],
    [['--lorawan', 'chirpstack', '--lorawan-model', 'acme-x1']],
    [['--nope']],
    [['--transport', 'pigeon']],
    [['--scenario', 'a.json', '--replay', 'b.jsonl.gz']],
    [['--offline']],
    [['--restamp-now']],
    [['--replay', 'b.jsonl.gz', '--record', 'c.jsonl.gz']],
    [['--speed', '-1']],
    [['--start', 'yesterday']],
  ])('refuses %j with a usage error', (argv) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
  });

  it('reads the scenario and replay options', () => {
    const o = parseCliArgs(['--scenario', 's.json', '--speed', '0', '--transport', 'device', '--record', 'r.jsonl.gz', '--start', '2026-03-29T00:00:00+01:00']);
    expect(o).toMatchObject({ scenario: 's.json', speed: 0, transport: 'device', record: 'r.jsonl.gz', start: Date.parse('2026-03-28T23:00:00Z'), offline: false });
    expect(parseCliArgs(['--replay', 'r.jsonl.gz', '--restamp-now'])).toMatchObject({ replay: 'r.jsonl.gz', restampNow: true, speed: undefined, transport: 'gateway' });
  });

  it('reads --start as a date, now, or some time ago', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    expect(startDate('now', now)).toBe(now);
    expect(startDate('now-1d', now)).toBe(now - 86_400_000);
    expect(startDate('now-90m', now)).toBe(now - 90 * 60_000);
    expect(startDate('now-1.5h', now)).toBe(now - 5_400_000);
    expect(startDate('2026-10-25T02:30:00+02:00', now)).toBe(Date.parse('2026-10-25T00:30:00Z'));
    expect(() => startDate('now+1d', now)).toThrow(CliUsageError);
    expect(() => startDate('12', now)).toThrow(CliUsageError);
  });
});
