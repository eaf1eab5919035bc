/**
 * A restart of `npm start` keeps what the user changed (defect: a lighting program edited
 * through the API was back to the demo's default after Ctrl-C and a second start). The
 * demo runs twice on the same PostgreSQL and InfluxDB databases; between the two, the user
 * changes through the real HTTP API everything provisioning writes (programs, assignments,
 * device attributes, a retirement, an API key) and rotates a device's secret (no route
 * does that yet: by hand in the registry). Both runs end with a real SIGINT.
 */
import { rm } from 'node:fs/promises';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { demoFleet, demoMixedFleet } from '@hv/simulators';
import { hashSecret, TEST_SCRYPT_COST } from '@hv/state';
import { interrupt, startDemo } from '../support/demo';
import { createTestDatabase, createTestInfluxDb, stopAllNodeApps, testServiceEnv } from '../support/services';

const LAON = '02408';

interface ProgramsAnswer {
  programs: Array<Record<string, unknown> & { id: string; name: string; updatedAt: string }>;
  assignments: Array<{ scope: string; scopeId: string; programId: string }>;
}

describe('npm start twice (the demo restarted)', () => {
  const drops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    await stopAllNodeApps();
    for (const drop of drops) await drop().catch(() => undefined);
  });

  it('keeps every change the user made between two runs: programs, assignments, attributes, a retirement, a revoked key, a rotated secret', async () => {
    const env = testServiceEnv();
    const pg = await createTestDatabase('e2e_demo_restart');
    drops.push(pg.drop);
    const influx = await createTestInfluxDb('e2e_demo_restart');
    drops.push(influx.drop);
    const spoolDir = `${env.runDir}/demo-restart-spool-${Date.now()}`;
    drops.push(() => rm(spoolDir, { recursive: true, force: true }));
    const demoEnv = { HV_RUN_DIR: env.runDir, HV_INFLUX_URL: env.influxUrl, HV_INFLUX_DB: influx.db, HV_PG_URL: pg.url, HV_INGEST_SPOOL_DIR: spoolDir };
    const lamps = demoFleet().devices.filter((d) => d.type === 'lighting-controller').map((d) => d.id);
    const [reassigned, edited, retired, rotated] = lamps as [string, string, string, string];

    // First run, and the user's changes through the API.
    const first = await startDemo(demoEnv);
    const before = (await first.api('GET', `tenants/${LAON}/programs`)).json as ProgramsAnswer;
    expect(before.programs.length).toBeGreaterThan(0);
    const { updatedAt: _, ...provided } = before.programs[0]!;
    expect((await first.api('PUT', `tenants/${LAON}/programs/${provided.id}`, { ...provided, name: 'Modifié par la commune', sunset_offset_min: 15 })).status).toBeLessThan(300);
    expect((await first.api('PUT', `tenants/${LAON}/programs/user-night`, { id: 'user-night', name: 'Nuit de la fête' })).status).toBeLessThan(300);
    expect((await first.api('PUT', `tenants/${LAON}/program-assignments`, { scope: 'tenant', scopeId: LAON, programId: 'user-night' })).status).toBeLessThan(300);
    expect((await first.api('PUT', `tenants/${LAON}/program-assignments`, { scope: 'device', scopeId: reassigned, programId: provided.id })).status).toBeLessThan(300);
    expect((await first.api('PATCH', `devices/${edited}`, { attributes: { rated_power_w: 123, note: 'lanterne remplacée' } })).status).toBeLessThan(300);
    expect((await first.api('POST', `devices/${retired}/retire`)).status).toBeLessThan(300);
    const keys = (await first.api('GET', 'keys')).json as { keys: Array<{ id: string; name: string }> };
    const firstKey = keys.keys.find((k) => k.name.startsWith('demo '))!;
    expect((await first.api('POST', `keys/${firstKey.id}/revoke`)).status).toBeLessThan(300);
    await rotateSecret(pg.url, rotated);
    const changed = { programs: await programsOf(pg.url), attributes: await attributesOf(pg.url, edited), secret: await secretHashOf(pg.url, rotated) };
    expect(changed.programs).toContain('Modifié par la commune');

    const stopped = await interrupt(first.proc, 30_000);
    expect(stopped).toMatchObject({ code: 0 });

    // Second run on the same data: it starts (the rotated device refused, said, not fatal) and keeps every change.
    const second = await startDemo(demoEnv);
    const out = second.proc.output();
    expect(out).toMatch(new RegExp(`refused by the broker .*${rotated}`));
    expect(out).toMatch(new RegExp(`retired through the API, not simulated: .*${retired}`));
    expect(out).toMatch(new RegExp(`Hyperviseur is running: ${demoMixedFleet().devices.length - 2} simulated`));
    const after = (await second.api('GET', `tenants/${LAON}/programs`)).json as ProgramsAnswer;
    expect(after.programs.find((p) => p.id === provided.id)).toMatchObject({ name: 'Modifié par la commune', sunset_offset_min: 15 });
    expect(after.programs.find((p) => p.id === 'user-night')).toMatchObject({ name: 'Nuit de la fête' });
    expect(after.assignments).toContainEqual(expect.objectContaining({ scope: 'tenant', scopeId: LAON, programId: 'user-night' }));
    expect(after.assignments).toContainEqual(expect.objectContaining({ scope: 'device', scopeId: reassigned, programId: provided.id }));
    expect(await programsOf(pg.url)).toBe(changed.programs);
    expect(await attributesOf(pg.url, edited)).toBe(changed.attributes);
    expect(((await second.api('GET', `devices/${edited}`)).json as { attributes: Record<string, unknown> }).attributes).toMatchObject({ rated_power_w: 123, note: 'lanterne remplacée' });
    expect(((await second.api('GET', `devices/${retired}`)).json as { retiredAt: string | null }).retiredAt).not.toBeNull();
    expect(await secretHashOf(pg.url, rotated)).toBe(changed.secret);
    const revoked = await fetch(`${second.httpUrl}/api/v1/devices?tenant=${LAON}`, { headers: { authorization: `Bearer ${first.apiKey}` } });
    expect(revoked.status).toBe(401);

    expect(await interrupt(second.proc, 30_000)).toMatchObject({ code: 0 });
    // Each run's operator key is of that run only: revoked when it stops.
    expect(await withPg(pg.url, async (c) => (await c.query(`SELECT id FROM api_keys WHERE created_by = 'demo' AND revoked_at IS NULL`)).rowCount)).toBe(0);
  });
});

async function withPg<T>(url: string, f: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end();
  }
}

/** Every program and assignment of the registry, with their update times, as one string. */
const programsOf = (url: string) =>
  withPg(url, async (c) => {
    const programs = await c.query(`SELECT tenant_id, id, body, updated_at FROM lighting_programs ORDER BY tenant_id, id`);
    const assignments = await c.query(`SELECT tenant_id, scope, scope_id, program_id, updated_at FROM program_assignments ORDER BY tenant_id, scope, scope_id`);
    return JSON.stringify({ programs: programs.rows, assignments: assignments.rows });
  });

const attributesOf = (url: string, id: string) => withPg(url, async (c) => JSON.stringify((await c.query('SELECT attributes FROM devices WHERE id = $1', [id])).rows[0]));

const secretHashOf = (url: string, id: string) => withPg(url, async (c) => (await c.query<{ h: string }>('SELECT secret_hash AS h FROM devices WHERE id = $1', [id])).rows[0]?.h);

/** What a secret rotation leaves in the registry (no API route rotates one yet). */
const rotateSecret = async (url: string, id: string) => {
  const hash = await hashSecret('a secret the commune chose', TEST_SCRYPT_COST);
  await withPg(url, (c) => c.query('UPDATE devices SET secret_hash = $2 WHERE id = $1', [id, hash]));
};
