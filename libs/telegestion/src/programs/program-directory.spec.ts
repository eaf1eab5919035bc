import { describe, expect, it } from 'vitest';
import { levelAt, parseProgram, placeOf } from '@hv/lighting';
import type { RuleDevice } from '@hv/rules';
import { ProgramDirectory } from './program-directory';
import type { ProgramRepository } from './program.repository';

const dimmed = parseProgram({ id: 'dim', name: 'Dimmed at night', steps: [{ at: '22:30', level_pct: 50 }, { at: '01:00', level_pct: 20 }], extinction: { from: '02:00', to: '05:00' } });
const lamp = (id: string, lat: number, lon: number): RuleDevice => ({ id, tenant: '02408', type: 'lighting-controller', epci: null, cabinet: null, attributes: { lat, lon } });

async function directory(): Promise<ProgramDirectory> {
  const repository = { loadAll: async () => ({ programs: [{ tenant: '02408', program: dimmed }], assignments: [{ tenant: '02408', scope: 'tenant', scopeId: '02408', programId: 'dim' }], memberships: [] }) };
  const dir = new ProgramDirectory(repository as unknown as ProgramRepository);
  await dir.load();
  return dir;
}

describe('ProgramDirectory', () => {
  it("expects at every instant what levelAt says at the luminaire's cell, across noons and the autumn clock change, in any order", async () => {
    const dir = await directory();
    const lamps = [lamp('a', 49.5641, 3.6199), lamp('b', 49.5649, 3.6204), lamp('c', 49.1, 3.2)];
    // 2026-10-23 to 2026-10-27 (the clocks go back on the 25th), every 7 minutes, shuffled.
    const instants: number[] = [];
    for (let t = Date.UTC(2026, 9, 23, 8); t < Date.UTC(2026, 9, 27, 14); t += 7 * 60_000) instants.push(t);
    for (let i = instants.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [instants[i], instants[j]] = [instants[j]!, instants[i]!];
    }
    for (const t of instants) {
      for (const d of lamps) expect(dir.expectedLevel(d, t), `${d.id} at ${new Date(t).toISOString()}`).toBe(levelAt(dimmed, t, { place: placeOf(d) }).levelPct);
    }
  });
});
