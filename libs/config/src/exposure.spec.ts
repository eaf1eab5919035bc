import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';
import { isLoopbackHost } from './exposure';

const OWN_SECRET = 'a-secret-of-our-own-1234';
const BEYOND = ['0.0.0.0', '::', '[::]', '192.168.1.20', '10.0.0.7', 'fe80::1', '::127.0.0.1', 'hyperviseur.example.org', 'localhost.example.org'];
const LOOPBACK = ['127.0.0.1', '127.0.0.2', '127.255.255.254', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST', 'localhost.'];

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
}

describe('shipped default secrets off loopback', () => {
  it('tells loopback bind addresses from the others', () => {
    for (const host of LOOPBACK) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of BEYOND) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('refuses every listener bound beyond loopback with the default service password, naming both', () => {
    for (const variable of ['HV_BROKER_HOST', 'HV_HTTP_HOST']) {
      for (const host of BEYOND) {
        const problems = problemsOf({ [variable]: host }).join('\n');
        expect(problems, `${variable}=${host}`).toMatch(/HV_SERVICE_PASSWORD: still the shipped default/);
        expect(problems, `${variable}=${host}`).toContain(`${variable}=${host}`);
      }
    }
    // Set explicitly to the documented value is the same secret.
    expect(problemsOf({ HV_BROKER_HOST: '0.0.0.0', HV_SERVICE_PASSWORD: 'hv-service-local-only' }).join()).toContain('HV_SERVICE_PASSWORD');
  });

  it('reports it with the other bad variables at once', () => {
    const problems = problemsOf({ HV_HTTP_HOST: '0.0.0.0', HV_HTTP_PORT: 'eighty' }).join('\n');
    expect(problems).toContain('HV_HTTP_PORT');
    expect(problems).toContain('HV_SERVICE_PASSWORD');
  });

  it('starts beyond loopback with a secret of its own, and on loopback with the default', () => {
    for (const host of BEYOND) expect(problemsOf({ HV_BROKER_HOST: host, HV_HTTP_HOST: host, HV_SERVICE_PASSWORD: OWN_SECRET }), host).toEqual([]);
    for (const host of LOOPBACK) expect(problemsOf({ HV_BROKER_HOST: host, HV_HTTP_HOST: host }), host).toEqual([]);
  });
});

describe('services’ MQTT client ids', () => {
  it('live in the hv: namespace no device or gateway can take', () => {
    const config = loadConfig({});
    expect(config.HV_INGEST_CLIENT_ID).toMatch(/^hv:ingest-/);
    expect(config.HV_TELEGESTION_CLIENT_ID).toMatch(/^hv:telegestion-/);
    expect(loadConfig({ HV_INGEST_CLIENT_ID: 'crash-ingest' }).HV_INGEST_CLIENT_ID).toBe('hv:crash-ingest');
    expect(loadConfig({ HV_INGEST_CLIENT_ID: 'hv:ingest-a' }).HV_INGEST_CLIENT_ID).toBe('hv:ingest-a');
    expect(problemsOf({ HV_INGEST_CLIENT_ID: 'gateway:gw-1', HV_TELEGESTION_CLIENT_ID: 'a/b' }).join('\n')).toMatch(/HV_INGEST_CLIENT_ID[\s\S]*HV_TELEGESTION_CLIENT_ID/);
  });
});
