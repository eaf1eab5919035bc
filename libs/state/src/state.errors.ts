/**
 * Domain errors of the state store. Callers turn them into HTTP codes, dead letters or log
 * lines at the edges; inside, they carry enough to name what was wrong.
 */

/** Input that fails validation; `issues` name each bad field (`devices[3].devEui: ...`). */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';

  constructor(
    what: string,
    readonly issues: string[],
  ) {
    super(`invalid ${what}: ${issues.join('; ')}`);
  }
}

/** A device or gateway names a tenant that the registry does not hold (seed the territory first). */
export class UnknownTenantError extends Error {
  override readonly name = 'UnknownTenantError';

  constructor(readonly tenants: string[]) {
    super(`unknown tenant${tenants.length > 1 ? 's' : ''} ${tenants.join(', ')} (seed the territory first)`);
  }
}

/** A registration collides with an existing one (same id, or a DevEUI already in active use). */
export class DuplicateError extends Error {
  override readonly name = 'DuplicateError';

  constructor(
    readonly entity: 'device' | 'gateway' | 'device model' | 'user',
    readonly field: 'id' | 'devEui' | 'email',
    readonly value: string,
  ) {
    super(`${entity} ${field} ${value} is already registered`);
  }
}

/** The migrations folder and the database disagree; the service must not start on it. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}
