import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { z } from 'zod';

/**
 * The collectivités of one département, from the official COG published by Etalab in
 * `@etalab/decoupage-administratif` (millésime of the pinned version, 6.0.0 = 2026).
 */
export interface Territory {
  departement: { id: string; name: string };
  /** EPCI à fiscalité propre with at least one member commune in the département. */
  epcis: TerritoryEpci[];
  /** Current communes (`commune-actuelle`) of the département. */
  communes: TerritoryCommune[];
}

export interface TerritoryEpci {
  /** SIREN, 9 digits. */
  id: string;
  name: string;
  /** INSEE codes of its member communes in this département (an EPCI may straddle two). */
  communes: string[];
}

export interface TerritoryCommune {
  /** INSEE code, 5 characters (02408, 2A004). */
  id: string;
  name: string;
  /** SIREN of its EPCI; null for the few communes outside any (islands). */
  epci: string | null;
  population: number | null;
}

// Only the fields used here are checked, so that a new field in a later millésime is harmless.
const communeSchema = z.object({
  code: z.string(),
  nom: z.string(),
  type: z.string(),
  departement: z.string().optional(),
  population: z.number().int().nonnegative().optional(),
});
const epciSchema = z.object({
  code: z.string(),
  nom: z.string(),
  membres: z.array(z.object({ code: z.string() })),
});
const departementSchema = z.object({ code: z.string(), nom: z.string() });

const cache = new Map<string, Territory>();

/** The territory of a département (code '02', '2A', '971'); memoised, the data is static. */
export function loadTerritory(departement = '02'): Territory {
  const hit = cache.get(departement);
  if (hit) return hit;
  const territory = buildTerritory(departement);
  cache.set(departement, territory);
  return territory;
}

function buildTerritory(code: string): Territory {
  const departement = readData('departements', departementSchema).find((d) => d.code === code);
  if (!departement) throw new RangeError(`unknown département ${JSON.stringify(code)}`);

  const communes = readData('communes', communeSchema).filter(
    (c) => c.type === 'commune-actuelle' && c.departement === code,
  );
  const inside = new Set(communes.map((c) => c.code));
  const epciOf = new Map<string, string>();
  const epcis: TerritoryEpci[] = [];
  for (const epci of readData('epci', epciSchema)) {
    const members = epci.membres.map((m) => m.code).filter((m) => inside.has(m));
    if (members.length === 0) continue;
    members.sort();
    for (const m of members) epciOf.set(m, epci.code);
    epcis.push({ id: epci.code, name: epci.nom, communes: members });
  }
  epcis.sort((a, b) => a.id.localeCompare(b.id));

  return {
    departement: { id: departement.code, name: departement.nom },
    epcis,
    communes: communes
      .map((c) => ({ id: c.code, name: c.nom, epci: epciOf.get(c.code) ?? null, population: c.population ?? null }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  };
}

/** Read one of the package's JSON files, checking the fields used against their schema. */
function readData<T>(file: 'communes' | 'epci' | 'departements', schema: z.ZodType<T>): T[] {
  const path = createRequire(__filename).resolve(`@etalab/decoupage-administratif/data/${file}.json`);
  const parsed = z.array(schema).safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new Error(`@etalab/decoupage-administratif ${file}.json has an unexpected shape: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
