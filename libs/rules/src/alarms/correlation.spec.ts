import { describe, expect, it } from 'vitest';
import type { DeviceType } from '@hv/contracts';
import { mixedFleet } from '@hv/simulators';
import type { AlarmChange } from '../engine/device-rules';
import { runFleetThroughRules } from '../testing/run-fleet';
import { AlarmCorrelator, ORPHAN_GRACE_MS } from './correlation';

const HOUR = 3_600_000;
const fleet = mixedFleet({ seed: 'correlation', tenants: [{ tenant: '02408' }], perTenant: { 'lighting-controller': 12, 'lighting-cabinet': 2 } as Record<DeviceType, number>, lorawan: [] });
const cabinetOf = (id: string) => fleet.devices.find((d) => d.id === id)?.cabinet;
const cabinet = fleet.devices.find((d) => d.type === 'lighting-cabinet')!;
const behind = fleet.devices.filter((d) => d.cabinet === cabinet.id);

const change = (kind: AlarmChange['kind'], type: AlarmChange['type'], device: string, at: number): AlarmChange => ({ kind, type, device, tenant: '02408', domain: 'lighting', severity: 'major', since: at, at, source: 'detected' });

describe('topology correlation', () => {
  it('a cabinet supply loss yields one visible alarm; the lamp failures behind it are suppressed and linked to it', () => {
    const start = Date.parse('2026-01-12T12:00:00+01:00');
    const { changes } = runFleetThroughRules(fleet, { seed: 'correlation', startMs: start, durationMs: 12 * HOUR, stepMs: 20_000, faults: [{ type: 'supply_loss', at: start + 7 * HOUR, until: start + 9 * HOUR, devices: [cabinet.id] }] });
    const correlator = new AlarmCorrelator(cabinetOf);
    const visible: string[] = [];
    const suppressed = new Map<string, string>();
    for (const c of changes) {
      const r = correlator.apply(c);
      for (const key of r.adopt) suppressed.set(key, `${c.device}/${c.type}`);
      if (c.kind !== 'raise') continue;
      if (r.parent) suppressed.set(`${c.device}/${c.type}`, r.parent);
      else visible.push(`${c.type} ${c.device}`);
    }
    expect(visible).toEqual([`supply_loss ${cabinet.id}`]);
    expect(new Set(suppressed.keys())).toEqual(new Set(behind.map((d) => `${d.id}/lamp_failure`)));
    expect(new Set(suppressed.values())).toEqual(new Set([`${cabinet.id}/supply_loss`]));
  });

  it('adopts lamp failures raised before the cabinet reported, and releases one that outlives the parent', () => {
    const [a, b] = behind;
    const correlator = new AlarmCorrelator(cabinetOf);
    expect(correlator.apply(change('raise', 'lamp_failure', a!.id, 1_000)).parent).toBeUndefined();
    const raised = correlator.apply(change('raise', 'supply_loss', cabinet.id, 2_000));
    expect(raised.adopt).toEqual([`${a!.id}/lamp_failure`]);
    expect(correlator.apply(change('raise', 'lamp_failure', b!.id, 3_000)).parent).toBe(`${cabinet.id}/supply_loss`);
    correlator.apply(change('clear', 'supply_loss', cabinet.id, 10_000));
    correlator.apply(change('clear', 'lamp_failure', a!.id, 11_000)); // lit again
    expect(correlator.tick(10_000 + ORPHAN_GRACE_MS - 1)).toEqual([]);
    // b is still dark a quarter of an hour after the supply came back: its own fault.
    expect(correlator.tick(10_000 + ORPHAN_GRACE_MS)).toEqual([`${b!.id}/lamp_failure`]);
    expect(correlator.get(`${b!.id}/lamp_failure`)?.parent).toBeUndefined();
  });

  it('does not link a lamp to another cabinet, nor a fault the supply loss does not explain', () => {
    const other = fleet.devices.find((d) => d.type === 'lighting-controller' && d.cabinet !== cabinet.id)!;
    const correlator = new AlarmCorrelator(cabinetOf);
    correlator.apply(change('raise', 'supply_loss', cabinet.id, 1_000));
    expect(correlator.apply(change('raise', 'lamp_failure', other.id, 2_000)).parent).toBeUndefined();
    expect(correlator.apply(change('raise', 'over_temperature', behind[0]!.id, 2_000)).parent).toBeUndefined();
  });
});
