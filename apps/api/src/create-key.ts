import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@hv/config';
import { API_ROLES, ApiKeyRepository, Database, isApiRole, migrate, TenantRepository } from '@hv/state';
import { checkRoleTenant } from '@hv/api';

const USAGE = `usage: npm run api-key -- --name NAME [--role operator|epci|commune|cdn|public] [--tenant ID]

Issues an API key in the database of HV_PG_URL (migrating it first) and prints it once.
This is how the first operator key is made; operators then issue the others with POST /api/v1/keys.`;

/** The bootstrap of API access: run where HV_PG_URL points at the platform's database. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { name: { type: 'string' }, role: { type: 'string', default: 'operator' }, tenant: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help || !values.name) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  if (!isApiRole(values.role!)) throw new ConfigError([`--role: one of ${API_ROLES.join(', ')}`]);
  const config = loadConfig();
  const db = new Database(config.HV_PG_URL, { max: 1, applicationName: 'hv-api-key' });
  try {
    await migrate(db);
    await checkRoleTenant(new TenantRepository(db), values.role, values.tenant, 'key').catch((error: { issues?: Array<{ message: string }> }) => {
      throw new ConfigError((error.issues ?? []).map((i) => `--tenant: ${i.message}`));
    });
    const key = await new ApiKeyRepository(db).create({ name: values.name, role: values.role, tenant: values.tenant ?? null, createdBy: 'cli' });
    console.log(`key ${key.id} (${key.role}${key.tenant ? ` of ${key.tenant}` : ''}), shown once:\n${key.key}`);
  } finally {
    await db.close();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
