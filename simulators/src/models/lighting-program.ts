import { isDark, parseProgram, type LightingProgram } from '@hv/lighting';
import { parisTime } from '@hv/civil-time';

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

/**
 * The lighting program telegestion should hold for a commune with this policy, so that
 * `levelAt(programOfPolicy(p), ts, { place })` gives what `programLevel(ts, lat, lon, p)`
 * gives (to the seconds by which isDark and sunTimes may differ at sunset and sunrise):
 * full → astronomical on/off only; dim → a step to `dim_level_pct` at `night_from_h`:00
 * and back to 100 % at `night_to_h`:00; off → an extinction window between those hours.
 * The default id names the policy (`policy-dim-22-6-50`, `policy-off-23-5`, `policy-full`).
 * Throws a RangeError for an hour that is not a whole Paris hour, a ProgramError for a
 * policy no program can express (a reduced period of no length, or one that ends after noon).
 */
export function programOfPolicy(policy: LightingPolicy, id?: string): LightingProgram {
  if (policy.night_mode === 'full') return parseProgram({ id: id ?? 'policy-full', name: 'Toute la nuit / all night' });
  const from = wholeHour(policy.night_from_h, 'night_from_h');
  const to = wholeHour(policy.night_to_h, 'night_to_h');
  const window = `${from} → ${to}`;
  switch (policy.night_mode) {
    case 'dim':
      return parseProgram({
        id: id ?? `policy-dim-${policy.night_from_h}-${policy.night_to_h}-${policy.dim_level_pct}`,
        name: `Abaissement à ${policy.dim_level_pct} % ${window} / dimmed to ${policy.dim_level_pct} % ${window}`,
        steps: [
          { at: from, level_pct: policy.dim_level_pct },
          { at: to, level_pct: 100 },
        ],
      });
    case 'off':
      return parseProgram({
        id: id ?? `policy-off-${policy.night_from_h}-${policy.night_to_h}`,
        name: `Extinction ${window} / switched off ${window}`,
        extinction: { from, to },
      });
  }
}

/** A policy hour (0–23, Paris) as the program's `HH:00`. */
function wholeHour(h: number, field: string): string {
  if (!Number.isInteger(h) || h < 0 || h > 23) throw new RangeError(`${field} must be a whole hour 0–23, got ${h}`);
  return `${String(h).padStart(2, '0')}:00`;
}

/** A TALQ-style override: a level held until an expiry (or the next command). */
export interface Override {
  levelPct: number;
  untilMs: number;
}
