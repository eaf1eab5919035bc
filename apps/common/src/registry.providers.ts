import type { Provider } from '@nestjs/common';
import { CREDENTIAL_STORE, type CredentialStore } from '@hv/broker';
import { DEVICE_SOURCE } from '@hv/ingest';
import { TELEGESTION_DEVICE_SOURCE } from '@hv/telegestion';
import { DeviceRepository, GatewayRepository } from '@hv/state';

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
    deviceTenant: async (id) => (await devices.findActiveDevice({ id }))?.tenant,
    devEuiTenant: async (devEui) => (await devices.findActiveDevice({ devEui }))?.tenant,
  }),
};
