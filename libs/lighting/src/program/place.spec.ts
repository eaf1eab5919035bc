import { describe, expect, it } from 'vitest';
import { preview } from './evaluate';
import { DEFAULT_PLACE, placeOf } from './place';
import { parseProgram } from './program.schema';

const dimmed = parseProgram({ id: 'dim', name: 'Dimmed at night', steps: [{ at: '22:30', level_pct: 50 }, { at: '01:00', level_pct: 20 }], extinction: { from: '02:00', to: '05:00' } });
const lamp = (lat: unknown, lon: unknown) => ({ attributes: { lat, lon } });

describe('placeOf', () => {
  it('computes the sun times of neighbouring luminaires at their shared cell, within seconds of their own', () => {
    expect(placeOf(lamp(49.5641, 3.6199))).toEqual(placeOf(lamp(49.5649, 3.6204)));
    const own = preview(dimmed, Date.UTC(2026, 5, 21, 12), Date.UTC(2026, 5, 22, 12), { place: { lat: 49.5641, lon: 3.6199 } });
    const cell = preview(dimmed, Date.UTC(2026, 5, 21, 12), Date.UTC(2026, 5, 22, 12), { place: placeOf(lamp(49.5641, 3.6199)) });
    expect(cell.map((t) => t.levelPct)).toEqual(own.map((t) => t.levelPct));
    for (let i = 0; i < own.length; i++) expect(Math.abs(cell[i]!.at - own[i]!.at)).toBeLessThanOrEqual(3_000);
  });

  it('puts a device without both numeric coordinates at the centre of the Aisne', () => {
    expect(placeOf({ attributes: {} })).toBe(DEFAULT_PLACE);
    expect(placeOf(lamp(49.5, undefined))).toBe(DEFAULT_PLACE);
    expect(placeOf(lamp('49.5', '3.6'))).toBe(DEFAULT_PLACE);
    expect(placeOf(lamp(49.1, 3.2))).not.toEqual(DEFAULT_PLACE);
  });
});
