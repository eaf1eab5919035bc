-- Device models: a piece of hardware of one device type, with the codec profile that maps
-- its network server decoder's fields onto the contract's (libs/contracts/src/codecs; the
-- profile is validated there against the type before it is written). A device may name
-- its model; the (model, type) key keeps a device's model of the device's own type.
-- Applied once and checksummed: never edit this file, add 011_... instead.

CREATE TABLE device_models (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
  type        text NOT NULL CHECK (type IN ('lighting-controller', 'lighting-cabinet', 'boiler-room',
                                            'air-station', 'co2-sensor', 'parking-spot', 'car-park')),
  name        text NOT NULL CHECK (name <> '' AND length(name) <= 200),
  codec       jsonb NOT NULL CHECK (jsonb_typeof(codec) = 'object'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT device_models_id_type_key UNIQUE (id, type)
);

ALTER TABLE devices ADD COLUMN model text NULL;
ALTER TABLE devices ADD CONSTRAINT devices_model_fkey FOREIGN KEY (model, type) REFERENCES device_models (id, type);
CREATE INDEX devices_model_idx ON devices (model) WHERE model IS NOT NULL;
