import { formatIssues, DEV_EUI_PATTERN, DEVICE_ID_PATTERN, DEVICE_TYPE_NAMES, DOMAINS, TENANT_ID_PATTERN, domainOf, type DeviceType } from '@hv/contracts';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Fleet } from './fleet';

/** Fleets are data: a file any fleet (the Aisne's, a test's) is written to and read back from, validated. */

const nullableString = (pattern: RegExp, what: string) => z.string().regex(pattern, `${what} must match ${pattern}`).nullable();

const simDeviceSchema = z.object({
  id: z.string().regex(DEVICE_ID_PATTERN, `device id must match ${DEVICE_ID_PATTERN}`),
  tenant: z.string().regex(TENANT_ID_PATTERN, 'tenant must be an INSEE or SIREN code'),
  type: z.enum(DEVICE_TYPE_NAMES as [DeviceType, ...DeviceType[]]),
  domain: z.enum(DOMAINS),
  devEui: nullableString(DEV_EUI_PATTERN, 'devEui'),
  epci: nullableString(/^[0-9]{9}$/, 'epci (SIREN)'),
  cabinet: nullableString(DEVICE_ID_PATTERN, 'cabinet'),
  attributes: z.record(z.string(), z.unknown()),
});

const fleetSchema = z
  .object({
    seed: z.union([z.string(), z.number()]),
    devices: z.array(simDeviceSchema),
  })
  .superRefine((fleet, ctx) => {
    const byId = new Map<string, (typeof fleet.devices)[number]>();
    const euis = new Set<string>();
    fleet.devices.forEach((d, i) => {
      if (byId.has(d.id)) ctx.addIssue({ code: 'custom', path: ['devices', i, 'id'], message: `duplicate device id "${d.id}"` });
      byId.set(d.id, d);
      if (d.domain !== domainOf(d.type)) ctx.addIssue({ code: 'custom', path: ['devices', i, 'domain'], message: `a ${d.type} is in domain ${domainOf(d.type)}, not ${d.domain}` });
      if (d.devEui !== null) {
        if (euis.has(d.devEui)) ctx.addIssue({ code: 'custom', path: ['devices', i, 'devEui'], message: `duplicate devEui ${d.devEui}` });
        euis.add(d.devEui);
      }
    });
    fleet.devices.forEach((d, i) => {
      if (d.cabinet === null) return;
      const cab = byId.get(d.cabinet);
      if (!cab || cab.type !== 'lighting-cabinet' || cab.tenant !== d.tenant) {
        ctx.addIssue({ code: 'custom', path: ['devices', i, 'cabinet'], message: `cabinet "${d.cabinet}" is not a lighting-cabinet of tenant ${d.tenant} in this fleet` });
      }
    });
  });

/** Writes a fleet as JSON (one device per line), atomically (temporary file, then rename). */
export function writeFleetFile(fleet: Fleet, path: string): void {
  const lines = fleet.devices.map((d) => JSON.stringify(d));
  const text = `{"seed":${JSON.stringify(fleet.seed)},"devices":[\n${lines.join(',\n')}\n]}\n`;
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, 'utf8');
  renameSync(tmp, path);
}

/** Reads a fleet written by writeFleetFile (or by hand), checking every field; the error names the bad ones. */
export function readFleetFile(path: string): Fleet {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`fleet file ${path}: ${err instanceof SyntaxError ? `not valid JSON (${err.message})` : (err as Error).message}`);
  }
  const parsed = fleetSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const shown = formatIssues(issues.slice(0, 5));
    const more = issues.length > shown.length ? `; and ${issues.length - shown.length} more` : '';
    throw new Error(`fleet file ${path} is invalid: ${shown.join('; ')}${more}`);
  }
  return parsed.data as Fleet;
}
