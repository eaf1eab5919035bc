import { configSchema, type HvConfig } from './config.schema';
import { exposedDefaultSecrets } from './exposure';

/** Raised once at start-up, naming every bad variable (not just the first). */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment. Empty strings count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<keyof HvConfig, string>> = {}): HvConfig {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = overrides[key as keyof HvConfig] ?? env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = configSchema.safeParse(raw);
  const exposed = exposedDefaultSecrets(raw);
  if (!parsed.success || exposed.length) {
    throw new ConfigError([...(parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? []), ...exposed]);
  }
  const config = parsed.data;
  if ((config.HV_MQTT_USERNAME === undefined) !== (config.HV_MQTT_PASSWORD === undefined)) {
    throw new ConfigError(['HV_MQTT_USERNAME and HV_MQTT_PASSWORD: set both or neither']);
  }
  return config;
}

export const HV_CONFIG = Symbol('HV_CONFIG');
