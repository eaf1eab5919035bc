import { describe, expect, it } from 'vitest';
import { questionKey } from './kpi-cache';

describe('questionKey', () => {
  it('keys a tenant set whatever its order, every tenant apart, and every period and part of the question', () => {
    const period = { fromMs: 0, toMs: 3_600_000 };
    expect(questionKey('energy', ['02408', '02381'], period)).toBe(questionKey('energy', ['02381', '02408'], period));
    expect(questionKey('energy', null, period)).not.toBe(questionKey('energy', [], period));
    expect(questionKey('energy', null, period)).not.toBe(questionKey('energy', null, period, { fromMs: 0, toMs: 1 }));
    expect(questionKey('energy', null, period, 'commune')).not.toBe(questionKey('energy', null, period, 'epci'));
    expect(questionKey('energy', null, period)).not.toBe(questionKey('air', null, period));
  });
});
