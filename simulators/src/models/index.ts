import type { DeviceType } from '@hv/contracts';
import type { Environment } from '../env/environment';
import type { SimDevice } from '../fleet';
import type { Seed } from '../random';
import { AirStationModel } from './air-station.model';
import { BoilerRoomModel } from './boiler-room.model';
import { CarParkModel } from './car-park.model';
import { Co2SensorModel } from './co2-sensor.model';
import type { DeviceModel } from './device-model';
import { LightingCabinetModel } from './lighting-cabinet.model';
import { LightingControllerModel } from './lighting-controller.model';
import { ParkingSpotModel } from './parking-spot.model';

type ModelClass = new (device: SimDevice, env: Environment, seed: Seed) => DeviceModel;

export const MODELS: Readonly<Record<DeviceType, ModelClass>> = {
  'lighting-controller': LightingControllerModel,
  'lighting-cabinet': LightingCabinetModel,
  'boiler-room': BoilerRoomModel,
  'air-station': AirStationModel,
  'co2-sensor': Co2SensorModel,
  'parking-spot': ParkingSpotModel,
  'car-park': CarParkModel,
};

export function createModel(device: SimDevice, env: Environment, seed: Seed): DeviceModel {
  return new MODELS[device.type](device, env, seed);
}

export * from './ack';
export * from './device-model';
export * from './lighting-program';
export * from './status';
export {
  AirStationModel,
  BoilerRoomModel,
  CarParkModel,
  Co2SensorModel,
  LightingCabinetModel,
  LightingControllerModel,
  ParkingSpotModel,
};
