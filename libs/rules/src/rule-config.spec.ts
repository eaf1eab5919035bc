import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, loadRuleConfigs, RuleConfigError, rulesFor } from './rule-config';

describe('rule configuration', () => {
  it('has the DOMAIN.md thresholds as defaults', () => {
    expect(DEFAULT_RULES.voltage_out_of_range).toMatchObject({ low_v: 198, high_v: 253, clear_low_v: 205, clear_high_v: 245, enabled: true });
    expect(DEFAULT_RULES.over_temperature).toMatchObject({ warning_c: 70, critical_c: 85, clear_c: 60 });
    expect(DEFAULT_RULES.unoccupied_heating).toMatchObject({ after_24h_c: 16, after_48h_c: 8 });
    expect(DEFAULT_RULES.co2_high.limit_ppm).toBe(1_500);
    expect(DEFAULT_RULES.factors.kgco2_per_kwh_gas).toBe(0.227);
  });

  it('lets a tenant override one field and keeps the defaults of the rest', () => {
    const configs = loadRuleConfigs({ '02408': { voltage_out_of_range: { low_v: 200 } }, '*': { co2_high: { enabled: false } } });
    const laon = rulesFor(configs, '02408');
    expect(laon.voltage_out_of_range).toMatchObject({ low_v: 200, high_v: 253 });
    expect(laon.co2_high.enabled).toBe(true);
    expect(rulesFor(configs, '02691').co2_high.enabled).toBe(false);
    expect(rulesFor(new Map(), '02691')).toEqual(DEFAULT_RULES);
  });

  it('names the tenant, the rule and the field of every problem', () => {
    try {
      loadRuleConfigs({
        '02408': { voltage_out_of_range: { low_v: 'two hundred' }, lamp_faillure: {} },
        '02691': { over_temperature: { warning_c: 90 }, saturation: { raise_after_s: -1 } },
        nowhere: {},
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RuleConfigError);
      const text = (error as Error).message;
      expect(text).toContain('tenant 02408: voltage_out_of_range.low_v:');
      expect(text).toContain('tenant 02408: (root): Unrecognized key: "lamp_faillure"');
      expect(text).toContain('tenant 02691: saturation.raise_after_s:');
      expect(text).toContain('tenant nowhere: not an INSEE code');
    }
    expect(() => loadRuleConfigs({ '02691': { over_temperature: { warning_c: 90 } } })).toThrow(/tenant 02691: over_temperature.critical_c: critical_c \(85\) must be above warning_c \(90\)/);
  });
});
