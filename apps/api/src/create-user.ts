import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@hv/config';
import { API_ROLES, Database, isApiRole, migrate, TenantRepository, UserRepository } from '@hv/state';
import { apiOptionsFrom, checkRoleTenant, INVITATION_TTL_MS } from '@hv/api';

const USAGE = `usage: npm run user -- --email ADDRESS --name "NAME" [--role operator|epci|commune|cdn|public] [--tenant ID]

Creates a person's console account in the database of HV_PG_URL (migrating it first) and
prints its invitation link, with which the person chooses a password (valid 7 days, once).
This is how the first operator account is made; operators then invite the others from the
console or with POST /api/v1/users, which e-mails the link.`;

/** The bootstrap of console access: run where HV_PG_URL points at the platform's database. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', default: 'operator' }, tenant: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help || !values.email || !values.name) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  if (!isApiRole(values.role!)) throw new ConfigError([`--role: one of ${API_ROLES.join(', ')}`]);
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(values.email.trim())) throw new ConfigError(['--email: must be an e-mail address']);
  const config = loadConfig();
  const db = new Database(config.HV_PG_URL, { max: 1, applicationName: 'hv-user' });
  try {
    await migrate(db);
    await checkRoleTenant(new TenantRepository(db), values.role, values.tenant, 'account').catch((error: { issues?: Array<{ message: string }> }) => {
      throw new ConfigError((error.issues ?? []).map((i) => `--tenant: ${i.message}`));
    });
    const users = new UserRepository(db);
    const user = await users.create({ email: values.email, name: values.name, role: values.role, tenant: values.tenant ?? null, createdBy: 'cli' });
    const { token, expiresAt } = await users.issueToken(user.id, 'invitation', INVITATION_TTL_MS);
    const { publicUrl } = apiOptionsFrom(config, new Map()).accounts;
    console.log(`account ${user.id} (${user.email}, ${user.role}${user.tenant ? ` of ${user.tenant}` : ''}); its invitation link, valid until ${expiresAt.toISOString()}:\n${publicUrl}/#/invitation/${token}`);
  } finally {
    await db.close();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
