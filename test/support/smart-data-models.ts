/**
 * Checks of the NGSI-LD exports against the project's transcriptions of the FIWARE Smart
 * Data Models schemas (test/fixtures/smart-data-models, each naming its source and
 * commit). The models' schemas describe the key-values form, so that form is validated
 * with ajv; the normalised form is checked for its NGSI-LD structure and then projected
 * back to key-values (a Property's `value`, a GeoProperty's `value`, a Relationship's
 * `object`), and the projection validated the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

const DIR = join(__dirname, '..', 'fixtures', 'smart-data-models');
const FILES = { Streetlight: 'streetlight', AirQualityObserved: 'air-quality-observed', OffStreetParking: 'off-street-parking' } as const;
export type SmartDataModel = keyof typeof FILES;

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
const validators = new Map<SmartDataModel, ValidateFunction>();

function validator(type: SmartDataModel): ValidateFunction {
  let v = validators.get(type);
  if (!v) {
    v = ajv.compile(JSON.parse(readFileSync(join(DIR, `${FILES[type]}.schema.json`), 'utf8')) as object);
    validators.set(type, v);
  }
  return v;
}

/** The schema's complaints about a key-values entity of `type` (empty when it validates). */
export function keyValuesErrors(type: SmartDataModel, entity: unknown): string[] {
  const v = validator(type);
  return v(entity) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
}

/**
 * What is wrong with a normalised NGSI-LD entity (NGSI-LD §4.5: every attribute but id,
 * type and @context is a Property with a value, a GeoProperty whose value is GeoJSON, or a
 * Relationship whose object is a URI), and its key-values projection.
 */
export function normalisedProblems(entity: Record<string, unknown>): { problems: string[]; keyValues: Record<string, unknown> } {
  const problems: string[] = [];
  const keyValues: Record<string, unknown> = {};
  if (typeof entity.id !== 'string' || !/^urn:ngsi-ld:[A-Za-z]+:/.test(entity.id)) problems.push(`id ${String(entity.id)} is not urn:ngsi-ld:<Type>:…`);
  if (typeof entity.type !== 'string') problems.push('no type');
  if (!Array.isArray(entity['@context']) || entity['@context'].length === 0) problems.push('no @context');
  for (const [name, attribute] of Object.entries(entity)) {
    if (name === 'id' || name === 'type' || name === '@context') {
      keyValues[name] = attribute;
      continue;
    }
    const a = attribute as { type?: unknown; value?: unknown; object?: unknown; observedAt?: unknown; unitCode?: unknown };
    const extra = Object.keys(a).filter((k) => !['type', 'value', 'object', 'observedAt', 'unitCode'].includes(k));
    if (extra.length) problems.push(`${name}: unexpected members ${extra.join(', ')}`);
    if (a.observedAt !== undefined && (typeof a.observedAt !== 'string' || Number.isNaN(Date.parse(a.observedAt)))) problems.push(`${name}: observedAt is not a date-time`);
    if (a.type === 'Property') {
      if (a.value === undefined || a.value === null) problems.push(`${name}: Property without a value`);
      keyValues[name] = a.value;
    } else if (a.type === 'GeoProperty') {
      const geo = a.value as { type?: unknown; coordinates?: unknown } | undefined;
      if (!geo || typeof geo.type !== 'string' || !Array.isArray(geo.coordinates)) problems.push(`${name}: GeoProperty whose value is not GeoJSON`);
      keyValues[name] = a.value;
    } else if (a.type === 'Relationship') {
      if (typeof a.object !== 'string' || !/^urn:/.test(a.object)) problems.push(`${name}: Relationship whose object is not a URN`);
      if (a.value !== undefined) problems.push(`${name}: a Relationship carries an object, not a value`);
      keyValues[name] = a.object;
    } else {
      problems.push(`${name}: type ${String(a.type)} is not Property, GeoProperty or Relationship`);
    }
  }
  return { problems, keyValues };
}
