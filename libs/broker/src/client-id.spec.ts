import { describe, expect, it } from 'vitest';
import { gatewayClientId, serviceClientId } from '@hv/contracts';
import { clientIdBelongsTo } from './client-id';
import type { Identity } from './identity';

const lamp: Identity = { kind: 'device', id: '02408-lc-00001', tenant: '02408', domain: 'lighting' };
const gateway: Identity = { kind: 'gateway', id: 'gw-02408', tenant: '02408', network: 'native' };
const service: Identity = { kind: 'service', id: 'hv-service' };

describe('client ids belong to one identity', () => {
  it('lets each identity use its own namespace', () => {
    expect(clientIdBelongsTo(lamp, '02408-lc-00001')).toBe(true);
    for (const id of ['gateway:gw-02408', 'gateway:gw-02408:load-1', 'gateway:gw-02408:sim.2']) expect(clientIdBelongsTo(gateway, id), id).toBe(true);
    for (const id of ['hv:ingest-host', 'hv:ingest-host-dlq', 'hv:telegestion-x-out']) expect(clientIdBelongsTo(service, id), id).toBe(true);
  });

  it('refuses another identity’s id, whoever logs in', () => {
    const theirs = ['02408-lc-00002', 'gateway:gw-02408', 'gateway:gw-02691', 'gateway:gw-02691:x', 'hv:ingest-host', 'hv:telegestion-host-out', 'hv-ingest-host', ''];
    for (const id of theirs.filter((t) => t !== '02408-lc-00001')) expect(clientIdBelongsTo(lamp, id), id).toBe(false);
    for (const id of ['02408-lc-00001', 'gateway:gw-02408x', 'gateway:gw-0240', 'gateway:gw-02408:', 'gateway:gw-02408:a:b', 'gateway:gw-02691', 'hv:ingest-host', '']) {
      expect(clientIdBelongsTo(gateway, id), id).toBe(false);
    }
    for (const id of ['02408-lc-00001', 'gateway:gw-02408', 'hv-ingest-host', 'hv:', 'hv:a/b', '']) expect(clientIdBelongsTo(service, id), id).toBe(false);
  });

  it('is what the contracts’ helpers build, whatever name a caller picks', () => {
    for (const name of [undefined, 'load-1', 'e2e-gateway:gw-02408', 'gateway:gw-02408:x', 'a b/c#', 'x'.repeat(100)]) {
      const id = gatewayClientId('gateway:gw-02408', name);
      expect(clientIdBelongsTo(gateway, id), `${name} → ${id}`).toBe(true);
    }
    for (const name of ['ingest-host', 'hv:ingest-host', 'e2e operator', 'hv:', 'y'.repeat(100)]) {
      const id = serviceClientId(name);
      expect(clientIdBelongsTo(service, id), `${name} → ${id}`).toBe(true);
    }
  });
});
