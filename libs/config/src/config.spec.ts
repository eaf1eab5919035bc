import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('gives the embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.HV_MQTT_URL).toBeUndefined();
    expect(config.HV_INFLUX_URL).toBe('http://127.0.0.1:18086');
    expect(config.HV_INGEST_BATCH_LINES).toBe(5000);
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ HV_HTTP_PORT: 'eighty', HV_INFLUX_URL: 'ftp://x', HV_INGEST_BATCH_LINES: '-3' });
      expect.unreachable('loadConfig accepted a bad environment');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toContain('HV_HTTP_PORT');
      expect(problems).toContain('HV_INFLUX_URL');
      expect(problems).toContain('HV_INGEST_BATCH_LINES');
    }
  });

  it('refuses a broker username without a password', () => {
    expect(() => loadConfig({ HV_MQTT_USERNAME: 'ingest' })).toThrow(/HV_MQTT_PASSWORD/);
  });
});
