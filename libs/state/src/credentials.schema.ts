import { z } from 'zod';
import { isValidScryptCost } from './credentials';

export const scryptCostSchema = z
  .object({ N: z.number().int(), r: z.number().int(), p: z.number().int() })
  .refine(isValidScryptCost, 'scrypt cost must have N a power of two, r ≥ 1, p ≥ 1, at most 64 MiB');

/**
 * A device or gateway secret: its MQTT password. 8 characters at least (provisioning tools
 * generate long random ones); at most 256, which bounds the scrypt input.
 */
export const secretSchema = z.string().min(8, 'secret must be at least 8 characters').max(256, 'secret must be at most 256 characters');
