import type { DeviceInfo } from '@hv/contracts';
import type { DeviceDirectory } from '@hv/uplink';
import type { Database } from '@hv/state';
import type { CommandRequest } from './command.model';

/** The registered, active devices a command addresses (unknown ids are left out; the caller checks the count). */
export async function resolveTargets(db: Database, directory: DeviceDirectory, target: CommandRequest['target']): Promise<DeviceInfo[]> {
  let ids: string[];
  if ('devices' in target) ids = target.devices;
  else if ('group' in target) {
    const { rows } = await db.query<{ id: string }>(
      `SELECT m.device_id AS id FROM device_group_members m JOIN devices d ON d.id = m.device_id
       WHERE m.tenant_id = $1 AND m.group_id = $2 AND d.retired_at IS NULL ORDER BY m.device_id`,
      [target.tenant, target.group],
    );
    ids = rows.map((r) => r.id);
  } else if ('cabinet' in target) {
    const { rows } = await db.query<{ id: string }>(
      `SELECT id FROM devices WHERE attributes->>'cabinet' = $1 AND retired_at IS NULL ORDER BY id`,
      [target.cabinet],
    );
    ids = rows.map((r) => r.id);
  } else {
    const { rows } = await db.query<{ id: string }>('SELECT id FROM devices WHERE tenant_id = $1 AND retired_at IS NULL ORDER BY id', [target.tenant]);
    ids = rows.map((r) => r.id);
  }
  const out: DeviceInfo[] = [];
  for (const id of ids) {
    const d = await directory.byId(id);
    if (d) out.push(d);
  }
  return out;
}
