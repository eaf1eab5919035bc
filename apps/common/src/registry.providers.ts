import { Logger, type Provider } from '@nestjs/common';
import { CREDENTIAL_EVENTS, CREDENTIAL_STORE, credentialEventSchema, type CredentialEvents, type CredentialStore } from '@hv/broker';
import { DEVICE_TYPES } from '@hv/contracts';
import { DEVICE_SOURCE } from '@hv/ingest';
import { TELEGESTION_DEVICE_SOURCE } from '@hv/telegestion';
import { DeviceRepository, GatewayRepository, NotificationListener } from '@hv/state';

/** Ingest resolves devices (ids and devEuis) through the registry. */
export const deviceSourceProvider: Provider = { provide: DEVICE_SOURCE, useExisting: DeviceRepository };

/** Telegestion reads devices (with their attributes) from the registry too. */
export const telegestionDeviceSourceProvider: Provider = { provide: TELEGESTION_DEVICE_SOURCE, useExisting: DeviceRepository };

/** The embedded broker authenticates devices and gateways against the registry. */
export const credentialStoreProvider: Provider = {
  provide: CREDENTIAL_STORE,
  inject: [DeviceRepository, GatewayRepository],
  useFactory: (devices: DeviceRepository, gateways: GatewayRepository): CredentialStore => ({
    verifyDevice: async (id, secret) => {
      const device = await devices.verifyCredentials(id, secret);
      return device && { id: device.id, tenant: device.tenant, type: device.type };
    },
    verifyGateway: async (id, secret) => gateways.verifyCredentials(id, secret),
    deviceHome: async (id) => {
      const device = await devices.findActiveDevice({ id });
      return device && { tenant: device.tenant, domain: DEVICE_TYPES[device.type].domain };
    },
    devEuiTenant: async (devEui) => (await devices.findActiveDevice({ devEui }))?.tenant,
  }),
};

/** Migration 009's trigger notifies this channel when a device's or gateway's credentials change. */
export const CREDENTIALS_CHANNEL = 'hv_credentials';

/** The registry's credential events, LISTENed on a dedicated connection of `pgUrl`. */
export function credentialEventsProvider(pgUrl: string): Provider {
  return {
    provide: CREDENTIAL_EVENTS,
    useFactory: (): CredentialEvents => {
      const listener = new NotificationListener(pgUrl, CREDENTIALS_CHANNEL);
      const logger = new Logger('CredentialEvents');
      return {
        start: (handlers) =>
          listener.start({
            notify: (payload) => {
              const parsed = credentialEventSchema.safeParse(parseJson(payload));
              // Not knowing whose credentials changed, forget everyone's.
              if (!parsed.success) return (logger.warn(`unreadable ${CREDENTIALS_CHANNEL} event: ${payload.slice(0, 120)}`), handlers.reset());
              handlers.changed(parsed.data);
            },
            reset: () => handlers.reset(),
          }),
        stop: () => listener.stop(),
      };
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
