import { DEVICE_ID_PATTERN } from '@hv/contracts';
import { z } from 'zod';

/**
 * A registry row whose credentials or placement changed (secret, retirement, tenant,
 * type/domain, network, devEui) or that was deleted: the `hv_credentials` notification
 * of migration 009's trigger. Any cached login or lookup of it is stale.
 */
export const credentialEventSchema = z.object({
  kind: z.enum(['device', 'gateway']),
  id: z.string().regex(DEVICE_ID_PATTERN),
  /** The devEuis it had and has (devices), whose tenant lookups are stale too. */
  devEuis: z.array(z.string()).default([]),
});
export type CredentialEvent = z.infer<typeof credentialEventSchema>;

export interface CredentialEventHandlers {
  /** One identity's credentials changed: drop what is cached of it, close its connections. */
  changed(event: CredentialEvent): void;
  /**
   * The feed (re)connected or was lost: notifications may have been missed meanwhile, so
   * every cached verification and lookup is dropped.
   */
  reset(): void;
}

/** The registry's change feed (implemented by @hv/state's CredentialEventsListener). */
export interface CredentialEvents {
  start(handlers: CredentialEventHandlers): Promise<void>;
  stop(): Promise<void>;
}
