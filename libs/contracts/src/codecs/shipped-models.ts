import { DEVICE_TYPE_NAMES, type DeviceType } from '../domains';
import { codecTargets, type DeviceModel } from './codec-profile.schema';

/**
 * Device models shipped with Hyperviseur, installed in the registry when missing (never
 * overwriting an operator's edit). Each real one cites the public decoder it follows:
 * the field names below are that decoder's output, read in its source.
 */
export const REAL_DEVICE_MODELS: readonly DeviceModel[] = [
  {
    id: 'milesight-am103',
    type: 'co2-sensor',
    name: 'Milesight AM103 / AM103L (CO2, temperature, humidity)',
    codec: {
      // decodeUplink → milesight(bytes): battery (%), temperature (°C, int16/10),
      // humidity (%RH, byte/2), co2 (ppm, uint16), history[] (stored records, re-sent).
      decoder: 'github.com/Milesight-IoT/SensorDecoders AM_Series/AM103/AM103_Chirpstack_v4.js (also AM103_TTN.js)',
      fields: {
        co2: { to: 'co2_ppm' },
        temperature: { to: 'temp_c' },
        humidity: { to: 'rh_pct' },
      },
      // The co2-sensor contract has no battery field; history records re-send past
      // readings, which the live uplinks already carried.
      ignore: ['battery', 'history'],
    },
  },
  {
    id: 'elsys-ers-co2',
    type: 'co2-sensor',
    name: 'Elsys ERS CO2 (CO2, temperature, humidity, light, motion)',
    codec: {
      // DecodeElsysPayload: temperature (°C, /10), humidity (%), light (lux), motion (PIR
      // count since the last uplink), co2 (ppm), vdd (battery, mV).
      decoder: 'github.com/TheThingsNetwork/lorawan-devices vendor/elsys/elsys.js',
      fields: {
        co2: { to: 'co2_ppm' },
        temperature: { to: 'temp_c' },
        humidity: { to: 'rh_pct' },
        // A room with at least one PIR detection in the interval was occupied.
        motion: { to: 'occupied', convert: 'nonzero_is_true' },
      },
      ignore: ['light', 'vdd'],
    },
  },
];

/** The simulators' JSON codec writes the contract's own fields: one identity profile per type. */
export const SIMULATED_MODEL_PREFIX = 'hv-sim-';

function simulatedModel(type: DeviceType): DeviceModel {
  const fields = Object.fromEntries([...codecTargets(type).keys()].map((name) => [name, { to: name }]));
  return {
    id: `${SIMULATED_MODEL_PREFIX}${type}`,
    type,
    name: `Hyperviseur simulated ${type} (JSON codec, contract field names)`,
    codec: { decoder: 'Hyperviseur simulators/src (frame payload = the JSON of the reading)', fields, ignore: [] },
  };
}

export const SIMULATED_DEVICE_MODELS: readonly DeviceModel[] = DEVICE_TYPE_NAMES.map(simulatedModel);

export const SHIPPED_DEVICE_MODELS: readonly DeviceModel[] = [...REAL_DEVICE_MODELS, ...SIMULATED_DEVICE_MODELS];

export function shippedDeviceModel(id: string): DeviceModel | undefined {
  return SHIPPED_DEVICE_MODELS.find((m) => m.id === id);
}
