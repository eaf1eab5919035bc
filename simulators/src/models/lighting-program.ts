import { isDark, parisTime } from '@hv/lighting';

/** A commune's night policy, as lightingFleet() stores it in the attributes. */
export interface LightingPolicy {
  night_mode: 'full' | 'dim' | 'off';
  /** Start of the reduced period, Paris hour (22 or 23). */
  night_from_h: number;
  /** End of the reduced period, Paris hour (5 or 6). */
  night_to_h: number;
  /** Level during the reduced period when dimming, %. */
  dim_level_pct: number;
}

export function policyOf(attributes: Record<string, unknown>): LightingPolicy {
  const n = (k: string, d: number) => (typeof attributes[k] === 'number' ? (attributes[k] as number) : d);
  const mode = attributes.night_mode;
  return {
    night_mode: mode === 'full' || mode === 'off' ? mode : 'dim',
    night_from_h: n('night_from_h', 22),
    night_to_h: n('night_to_h', 6),
    dim_level_pct: n('dim_level_pct', 50),
  };
}

/**
 * The level the program asks for, %: astronomical clock (on from sunset to sunrise), then
 * the commune's night reduction (dim to 50 % from 22:00/23:00, or off 23:00–05:00).
 */
export function programLevel(tsMs: number, latDeg: number, lonDeg: number, policy: LightingPolicy): number {
  if (!isDark(tsMs, latDeg, lonDeg)) return 0;
  if (policy.night_mode === 'full') return 100;
  const h = parisTime(tsMs).hour;
  const reduced = policy.night_from_h > policy.night_to_h
    ? h >= policy.night_from_h || h < policy.night_to_h
    : h >= policy.night_from_h && h < policy.night_to_h;
  if (!reduced) return 100;
  return policy.night_mode === 'off' ? 0 : policy.dim_level_pct;
}

/** A TALQ-style override: a level held until an expiry (or the next command). */
export interface Override {
  levelPct: number;
  untilMs: number;
}
