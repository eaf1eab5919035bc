import { describe, expect, it } from 'vitest';
import { RegistryBrokerAuthority, type CredentialStore } from './registry-authority';

const SERVICE = { username: 'hv-service', password: 'service-password-1' };

/** A registry of one device and one gateway whose rows the tests change, counting reads. */
function registry() {
  const rows = { lamp: { secret: 'lamp-secret', retired: false }, gw: { secret: 'gw-secret', retired: false } };
  const reads = { verify: 0, home: 0 };
  let beforeAnswer: () => void = () => undefined;
  const store: CredentialStore = {
    verifyDevice: async (id, secret) => {
      reads.verify++;
      const ok = id === 'lamp-1' && !rows.lamp.retired && secret === rows.lamp.secret;
      beforeAnswer();
      return ok ? { id, tenant: '02408', type: 'lighting-controller' } : null;
    },
    verifyGateway: async (id, secret) => (reads.verify++, id === 'gw-1' && !rows.gw.retired && secret === rows.gw.secret ? { id, tenant: '02408', network: 'native' } : null),
    deviceHome: async (id) => (reads.home++, id === 'lamp-1' && !rows.lamp.retired ? { tenant: '02408', domain: 'lighting' } : undefined),
    devEuiTenant: async () => undefined,
  };
  return { rows, reads, store, setBeforeAnswer: (f: () => void) => (beforeAnswer = f) };
}

describe('RegistryBrokerAuthority', () => {
  it('serves a repeated login from its cache, until a credential event for that identity', async () => {
    const r = registry();
    const authority = new RegistryBrokerAuthority(SERVICE, r.store);
    expect(await authority.authenticate('lamp-1', 'lamp-secret')).toMatchObject({ kind: 'device', id: 'lamp-1' });
    expect(await authority.authenticate('gateway:gw-1', 'gw-secret')).toMatchObject({ kind: 'gateway', id: 'gw-1' });
    r.rows.lamp.retired = true;
    r.rows.gw.secret = 'rotated';
    expect(await authority.authenticate('lamp-1', 'lamp-secret')).not.toBeNull(); // cached: the event has not come yet
    authority.forgetIdentity({ kind: 'device', id: 'lamp-1', devEuis: [] });
    expect(await authority.authenticate('lamp-1', 'lamp-secret')).toBeNull();
    expect(await authority.authenticate('gateway:gw-1', 'gw-secret')).not.toBeNull(); // another identity's cache is kept
    authority.forgetIdentity({ kind: 'gateway', id: 'gw-1', devEuis: [] });
    expect(await authority.authenticate('gateway:gw-1', 'gw-secret')).toBeNull();
    expect(await authority.authenticate('gateway:gw-1', 'rotated')).not.toBeNull();
  });

  it('drops a device lookup on its event, and everything on a reset', async () => {
    const r = registry();
    const authority = new RegistryBrokerAuthority(SERVICE, r.store);
    expect(await authority.deviceHome('lamp-1')).toEqual({ tenant: '02408', domain: 'lighting' });
    r.rows.lamp.retired = true;
    expect(await authority.deviceHome('lamp-1')).toBeDefined();
    authority.forgetIdentity({ kind: 'device', id: 'lamp-1', devEuis: [] });
    expect(await authority.deviceHome('lamp-1')).toBeUndefined();
    await authority.authenticate('gateway:gw-1', 'gw-secret');
    r.rows.gw.retired = true;
    authority.forget();
    expect(await authority.authenticate('gateway:gw-1', 'gw-secret')).toBeNull();
  });

  it('does not trust a verification that a retirement overtook while it ran', async () => {
    const r = registry();
    const authority = new RegistryBrokerAuthority(SERVICE, r.store);
    // The row is read as active, then retired (and notified) before the answer comes back.
    r.setBeforeAnswer(() => {
      r.setBeforeAnswer(() => undefined);
      r.rows.lamp.retired = true;
      authority.forgetIdentity({ kind: 'device', id: 'lamp-1', devEuis: [] });
    });
    expect(await authority.authenticate('lamp-1', 'lamp-secret')).toBeNull();
    expect(r.reads.verify).toBe(2);
  });

  it('lets a login go on while other identities’ credentials change', async () => {
    const r = registry();
    const authority = new RegistryBrokerAuthority(SERVICE, r.store);
    // A bulk retirement of other devices notifies while this verification runs.
    r.setBeforeAnswer(() => {
      r.setBeforeAnswer(() => undefined);
      for (let i = 0; i < 1_000; i++) authority.forgetIdentity({ kind: 'device', id: `other-${i}`, devEuis: [] });
    });
    expect(await authority.authenticate('lamp-1', 'lamp-secret')).toMatchObject({ id: 'lamp-1' });
    expect(r.reads.verify).toBe(1);
  });

  it('shares one registry read among the lookups of a device that miss the cache at once', async () => {
    const r = registry();
    const authority = new RegistryBrokerAuthority(SERVICE, r.store);
    const homes = await Promise.all(Array.from({ length: 1_000 }, () => authority.deviceHome('lamp-1')));
    expect(homes.every((h) => h?.tenant === '02408')).toBe(true);
    expect(r.reads.home).toBe(1);
  });

  it('starts a fresh read for a lookup made after a credential event, not joining the stale one', async () => {
    const r = registry();
    const authority = new RegistryBrokerAuthority(SERVICE, r.store);
    const before = authority.deviceHome('lamp-1'); // read in flight, row still active
    r.rows.lamp.retired = true;
    authority.forgetIdentity({ kind: 'device', id: 'lamp-1', devEuis: [] });
    const after = authority.deviceHome('lamp-1');
    expect(await after).toBeUndefined();
    await before;
    expect(r.reads.home).toBe(2);
    expect(await authority.deviceHome('lamp-1')).toBeUndefined(); // the stale answer was not cached
  });
});
