import { FleetStream, type Fleet, type FaultSpec, type SimMessage } from '@hv/simulators';
import { DEFAULT_RULES, type RuleConfig } from '../rule-config';
import { DeviceRules, type AlarmChange } from '../engine/device-rules';

/**
 * Test support: a simulated fleet's stream fed into the rules, device by device, with the
 * clock ticking every `tickMs` of stream time. Returns every alarm change, in order.
 */
export function runFleetThroughRules(
  fleet: Fleet,
  options: { seed: string; startMs: number; durationMs: number; stepMs: number; faults?: FaultSpec[]; channels?: Array<'telemetry' | 'event'>; eventShare?: number; config?: RuleConfig; tickMs?: number },
): { changes: AlarmChange[]; rules: Map<string, DeviceRules>; messages: number } {
  const rules = new Map(fleet.devices.map((d) => [d.id, new DeviceRules(d, options.config ?? DEFAULT_RULES)]));
  const stream = new FleetStream(fleet, { seed: options.seed, startMs: options.startMs, stepMs: options.stepMs, channels: options.channels ?? ['telemetry'], ...(options.eventShare !== undefined ? { eventShare: options.eventShare } : {}), ...(options.faults ? { faults: options.faults } : {}) });
  const changes: AlarmChange[] = [];
  const end = options.startMs + options.durationMs;
  const tickMs = options.tickMs ?? 60_000;
  let nextTick = options.startMs + tickMs;
  let messages = 0;
  const tick = (now: number) => {
    for (const r of rules.values()) changes.push(...r.tick(now, options.startMs));
  };
  for (const m of stream.messages() as Generator<SimMessage>) {
    if (m.ts >= end) break;
    while (m.ts >= nextTick) {
      tick(nextTick);
      nextTick += tickMs;
    }
    messages++;
    if (m.channel !== 'telemetry' && m.channel !== 'event') continue;
    changes.push(...rules.get(m.device.id)!.observe(m.channel, JSON.parse(m.payload.toString('utf8')) as Record<string, unknown>, m.ts));
  }
  return { changes, rules, messages };
}
