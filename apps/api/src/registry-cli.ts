import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@hv/config';
import { SHIPPED_DEVICE_MODELS } from '@hv/contracts';
import { gatewayUsername } from '@hv/api';
import { Database, DeviceModelRepository, newMqttSecret, GATEWAY_NETWORKS, GatewayRepository, migrate, type GatewayNetwork } from '@hv/state';

const USAGE = `usage: npm run registry -- COMMAND [options]

Registers gateways, LoRaWAN bridges and device models in the database of HV_PG_URL
(migrating it first), as the API's /gateways and /device-models routes do.

  gateways add --tenant T --id ID --network native|chirpstack|tts
                        register one; prints its MQTT username and secret (shown once)
  gateways list [--tenant T] [--all]      active ones (--all: retired too)
  gateways rotate --id ID                 a new secret (shown once); the old one stops working
  gateways retire --id ID                 its login stops working
  models list                             device models and their codec profiles (JSON lines)
  models add --file MODEL.json            {id, type, name, codec}, checked against the type
  models install                          the shipped models that are missing (never overwrites)
  models set --device D --model M|none    declare (or clear) a device's model`;

const OPTIONS = { tenant: { type: 'string' }, id: { type: 'string' }, network: { type: 'string' }, file: { type: 'string' }, device: { type: 'string' }, model: { type: 'string' }, all: { type: 'boolean' }, help: { type: 'boolean' } } as const;
type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: OPTIONS, allowPositionals: true });
  const command = positionals.join(' ');
  if (values.help || !COMMANDS[command]) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const db = new Database(loadConfig().HV_PG_URL, { max: 1, applicationName: 'hv-registry-cli' });
  try {
    await migrate(db);
    await COMMANDS[command]!(db, values);
  } finally {
    await db.close();
  }
}

const COMMANDS: Record<string, (db: Database, v: Values) => Promise<void>> = {
  'gateways add': async (db, v) => {
    const network = v.network as GatewayNetwork;
    if (!GATEWAY_NETWORKS.includes(network)) throw new ConfigError([`--network: one of ${GATEWAY_NETWORKS.join(', ')}`]);
    const secret = newMqttSecret();
    const g = await new GatewayRepository(db).create({ id: need(v.id, '--id'), tenant: need(v.tenant, '--tenant'), network, secret });
    console.log(`gateway ${g.id} (${g.network} of ${g.tenant}), MQTT username ${gatewayUsername(g.id)}, secret shown once:\n${secret}`);
  },
  'gateways list': async (db, v) => {
    for (const g of await new GatewayRepository(db).list({ tenants: v.tenant ? [v.tenant] : null, includeRetired: v.all })) console.log(JSON.stringify(g));
  },
  'gateways rotate': async (db, v) => {
    const id = need(v.id, '--id');
    const secret = newMqttSecret();
    if (!(await new GatewayRepository(db).rotateSecret(id, secret))) throw new ConfigError([`--id: no active gateway ${id}`]);
    console.log(`gateway ${id}, MQTT username ${gatewayUsername(id)}, new secret shown once:\n${secret}`);
  },
  'gateways retire': async (db, v) => {
    const id = need(v.id, '--id');
    if (!(await new GatewayRepository(db).retire(id))) throw new ConfigError([`--id: no active gateway ${id}`]);
    console.log(`gateway ${id} retired`);
  },
  'models list': async (db) => {
    for (const m of await new DeviceModelRepository(db).list()) console.log(JSON.stringify(m));
  },
  'models add': async (db, v) => {
    const file = need(v.file, '--file');
    let model: unknown;
    try {
      model = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConfigError([`--file: ${(error as Error).message}`]);
    }
    const m = await new DeviceModelRepository(db).create(model);
    console.log(`device model ${m.id} (${m.type}) registered`);
  },
  'models install': async (db) => {
    const added = await new DeviceModelRepository(db).ensure(SHIPPED_DEVICE_MODELS);
    console.log(added.length ? `installed ${added.join(', ')}` : 'every shipped model is already registered');
  },
  'models set': async (db, v) => {
    const device = need(v.device, '--device');
    const model = need(v.model, '--model');
    if (!(await new DeviceModelRepository(db).setDeviceModel(device, model === 'none' ? null : model))) throw new ConfigError([`--device: no active device ${device}`]);
    console.log(`device ${device}: model ${model}`);
  },
};

function need(value: string | undefined, flag: string): string {
  if (value === undefined) throw new ConfigError([`${flag} is required`]);
  return value;
}

main().catch((error: Error) => {
  // ConfigError, InvalidInputError, DuplicateError and UnknownTenantError name what was wrong.
  console.error(error.message);
  process.exit(1);
});
