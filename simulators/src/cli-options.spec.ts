import { describe, expect, it } from 'vitest';
import { CliUsageError, parseCliArgs } from './cli-options';

describe('parseCliArgs()', () => {
  it('has the documented defaults: demo fleet at 50 msg/s until stopped', () => {
    expect(parseCliArgs([])).toMatchObject({ url: 'mqtt://127.0.0.1:1883', fleet: 'demo', rate: 50, count: Number.POSITIVE_INFINITY, qos: 1, window: 1000, events: false });
  });

  it('reads every option', () => {
    const o = parseCliArgs(['--url', 'mqtt://h:1884', '--fleet', 'mixed', '--rate', '0', '--count', '500', '--seed', 's', '--username', 'gw', '--password', 'pw', '--qos', '0', '--window', '64', '--events', '--lorawan', 'tts']);
    expect(o).toMatchObject({ url: 'mqtt://h:1884', fleet: 'mixed', rate: 0, count: 500, seed: 's', username: 'gw', password: 'pw', qos: 0, window: 64, events: true, lorawan: 'tts' });
  });

  it.each([
    [['--fleet', 'big']],
    [['--rate', 'fast']],
    [['--count', '-1']],
    [['--count', '1.5']],
    [['--qos', '2']],
    [['--window', '0']],
    [['--lorawan', 'helium']],
    [['--nope']],
  ])('refuses %j with a usage error', (argv) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
  });
});
