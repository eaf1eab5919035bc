import { z } from 'zod';
import { formatIssues } from '@hv/contracts';
import { energyFactorsSchema } from '@hv/energy-pricing';

/**
 * Per-tenant rule configuration: every rule has defaults (DOMAIN.md thresholds); a
 * tenant overrides only what it needs. Validated at load, with errors that name the
 * tenant, the rule and the field.
 */

const seconds = (d: number) => z.number().int().min(0).max(30 * 86_400).default(d);
/** `enabled`, and the minimum durations before raising and before clearing (debounce.ts). */
const rule = <T extends z.ZodRawShape>(raiseS: number, clearS: number, shape: T) =>
  z.strictObject({ enabled: z.boolean().default(true), raise_after_s: seconds(raiseS), clear_after_s: seconds(clearS), ...shape }).prefault({} as never);

const ratio = (d: number) => z.number().min(0).max(10).default(d);
const celsius = (d: number) => z.number().min(-50).max(150).default(d);

export const ruleConfigSchema = z
  .strictObject({
    // Lighting
    lamp_failure: rule(900, 300, { below_ratio: ratio(0.1), clear_ratio: ratio(0.5) }),
    power_drift: rule(7_200, 1_800, { raise_ratio: ratio(0.2), clear_ratio: ratio(0.1) }),
    day_burner: rule(1_800, 300, { min_sun_altitude_deg: z.number().min(-6).max(30).default(3) }),
    cycling: rule(0, 43_200, { switch_ons: z.number().int().min(2).max(100).default(3), window_s: seconds(7_200) }),
    voltage_out_of_range: rule(300, 300, { low_v: z.number().default(198), high_v: z.number().default(253), clear_low_v: z.number().default(205), clear_high_v: z.number().default(245) }),
    over_temperature: rule(300, 600, { warning_c: celsius(70), critical_c: celsius(85), clear_c: celsius(60) }),
    supply_loss: rule(60, 60, {}),
    lit_outside_program: rule(1_800, 300, {}),
    // Heating
    low_pressure: rule(300, 300, { below_bar: z.number().min(0).max(10).default(1), clear_bar: z.number().min(0).max(10).default(1.2) }),
    high_pressure: rule(300, 300, { above_bar: z.number().min(0).max(10).default(3), clear_bar: z.number().min(0).max(10).default(2.5) }),
    flame_fault: rule(0, 0, {}),
    heating_curve_deviation: rule(10_800, 3_600, { deviation_c: celsius(12), clear_c: celsius(6) }),
    // Tolerance 1 °C: a room sensor's ±0.5 °C plus the regulator's 0.5 °C band.
    overheating_occupied: rule(3_600, 3_600, { limit_c: celsius(19), tolerance_c: celsius(1) }),
    // 3 h: longer than an optimised start's preheat before occupants arrive.
    unoccupied_heating: rule(10_800, 3_600, { after_24h_c: celsius(16), after_48h_c: celsius(8), tolerance_c: celsius(1) }),
    mild_weather_heating: rule(7_200, 21_600, { daily_mean_above_c: celsius(16) }),
    // Air
    pm10_threshold: rule(0, 0, {}),
    no2_threshold: rule(0, 0, {}),
    o3_threshold: rule(0, 0, {}),
    so2_threshold: rule(0, 0, {}),
    co2_high: rule(900, 900, { limit_ppm: z.number().min(0).max(10_000).default(1_500), clear_ppm: z.number().min(0).max(10_000).default(1_200) }),
    // Parking
    overstay: rule(0, 0, {}),
    saturation: rule(1_800, 1_800, { above_pct: z.number().min(0).max(100).default(90), clear_pct: z.number().min(0).max(100).default(80) }),
    // Every domain
    sensor_stuck: rule(0, 0, { stuck_s: seconds(7_200), parking_spot_stuck_s: seconds(3 * 86_400) }),
    sensor_fault: rule(0, 0, {}),
    sensor_drift: rule(0, 0, {}),
    battery_low: rule(0, 0, {}),
    relay_failure: rule(0, 0, {}),
    high_temperature: rule(0, 0, {}),
    communication_loss: rule(0, 0, { missed_periods: z.number().min(1.5).max(100).default(3) }),
    /** Money and carbon: @hv/energy-pricing's factors and defaults. */
    factors: energyFactorsSchema,
  })
  .superRefine((c, ctx) => {
    const order = (path: string[], low: number, high: number, what: string) => {
      if (!(low < high)) ctx.addIssue({ code: 'custom', path, message: what });
    };
    const v = c.voltage_out_of_range;
    order(['voltage_out_of_range', 'clear_low_v'], v.low_v, v.clear_low_v, `clear_low_v (${v.clear_low_v}) must be above low_v (${v.low_v}): hysteresis`);
    order(['voltage_out_of_range', 'clear_high_v'], v.clear_high_v, v.high_v, `clear_high_v (${v.clear_high_v}) must be below high_v (${v.high_v}): hysteresis`);
    const t = c.over_temperature;
    order(['over_temperature', 'clear_c'], t.clear_c, t.warning_c, `clear_c (${t.clear_c}) must be below warning_c (${t.warning_c})`);
    order(['over_temperature', 'critical_c'], t.warning_c, t.critical_c, `critical_c (${t.critical_c}) must be above warning_c (${t.warning_c})`);
    order(['low_pressure', 'clear_bar'], c.low_pressure.below_bar, c.low_pressure.clear_bar, 'clear_bar must be above below_bar');
    order(['high_pressure', 'clear_bar'], c.high_pressure.clear_bar, c.high_pressure.above_bar, 'clear_bar must be below above_bar');
    order(['co2_high', 'clear_ppm'], c.co2_high.clear_ppm, c.co2_high.limit_ppm, 'clear_ppm must be below limit_ppm');
    order(['saturation', 'clear_pct'], c.saturation.clear_pct, c.saturation.above_pct, 'clear_pct must be below above_pct');
    order(['lamp_failure', 'clear_ratio'], c.lamp_failure.below_ratio, c.lamp_failure.clear_ratio, 'clear_ratio must be above below_ratio');
    order(['power_drift', 'raise_ratio'], c.power_drift.clear_ratio, c.power_drift.raise_ratio, 'raise_ratio must be above clear_ratio');
    order(['heating_curve_deviation', 'deviation_c'], c.heating_curve_deviation.clear_c, c.heating_curve_deviation.deviation_c, 'deviation_c must be above clear_c');
  });

export type RuleConfig = z.output<typeof ruleConfigSchema>;
export type RuleConfigInput = z.input<typeof ruleConfigSchema>;

export const DEFAULT_RULES: RuleConfig = ruleConfigSchema.parse({});

export class RuleConfigError extends Error {
  override readonly name = 'RuleConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid rule configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Validates every tenant's overrides (`{ "02408": { "voltage_out_of_range": { "low_v": 200 } } }`)
 * and returns each tenant's full configuration. Every problem of every tenant is reported
 * at once: `tenant 02408: voltage_out_of_range.low_v: expected number, received string`.
 */
export function loadRuleConfigs(input: unknown): Map<string, RuleConfig> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new RuleConfigError(['(root): expected an object of tenant id → rule overrides']);
  const out = new Map<string, RuleConfig>();
  const problems: string[] = [];
  for (const [tenant, overrides] of Object.entries(input)) {
    if (!/^(\d{2}[0-9AB]\d{2}|\d{9}|\*)$/.test(tenant)) {
      problems.push(`tenant ${tenant}: not an INSEE code, a SIREN or "*"`);
      continue;
    }
    const result = ruleConfigSchema.safeParse(overrides ?? {});
    if (result.success) out.set(tenant, result.data);
    else problems.push(...formatIssues(result.error.issues).map((p) => `tenant ${tenant}: ${p}`));
  }
  if (problems.length) throw new RuleConfigError(problems);
  return out;
}

/** A tenant's configuration: its own, else its EPCI's, else the territory's ("*"), else the defaults. */
export function rulesFor(configs: ReadonlyMap<string, RuleConfig>, tenant: string, epci?: string | null): RuleConfig {
  return configs.get(tenant) ?? (epci ? configs.get(epci) : undefined) ?? configs.get('*') ?? DEFAULT_RULES;
}
