/**
 * A few real places of the Aisne, so that simulated fleets look like the territory.
 * Names, INSEE codes and EPCI SIRENs come from `@etalab/decoupage-administratif` 6.0.0
 * (data/communes.json, data/epci.json); coordinates are the town centres (IGN).
 * Copied here rather than loaded: epci.json alone is 4 MB.
 */

export interface KnownCommune {
  name: string;
  /** SIREN of the EPCI the commune belongs to. */
  epci: string;
  epciName: string;
  population: number;
  /** Town centre, WGS 84 degrees; null when not recorded here. */
  lat: number | null;
  lon: number | null;
}

export const LAON = '02408';
/** CA du Pays de Laon (38 communes). */
export const CA_PAYS_DE_LAON = '200043495';

export const KNOWN_COMMUNES: Readonly<Record<string, KnownCommune>> = {
  '02408': { name: 'Laon', epci: CA_PAYS_DE_LAON, epciName: 'CA du Pays de Laon', population: 24_220, lat: 49.5641, lon: 3.6199 },
  '02691': { name: 'Saint-Quentin', epci: '200071892', epciName: 'CA du Saint-Quentinois', population: 52_813, lat: 49.8467, lon: 3.2874 },
  '02722': { name: 'Soissons', epci: '240200477', epciName: 'CA GrandSoissons Agglomération', population: 28_046, lat: 49.3817, lon: 3.3236 },
  '02168': { name: 'Château-Thierry', epci: '200072031', epciName: 'CA de la Région de Château-Thierry', population: 15_097, lat: null, lon: null },
  '02173': { name: 'Chauny', epci: '200071785', epciName: 'CA Chauny Tergnier La Fère', population: 11_596, lat: null, lon: null },
  '02810': { name: 'Villers-Cotterêts', epci: '200071991', epciName: 'CC Retz en Valois', population: 10_489, lat: null, lon: null },
  '02381': { name: 'Hirson', epci: '240200600', epciName: 'CC des Trois Rivières', population: 8_469, lat: null, lon: null },
};

/** The four main towns (DOMAIN.md): the default tenants of a mixed fleet. */
export const MAIN_TOWNS: ReadonlyArray<{ tenant: string; epci: string }> = ['02691', '02408', '02722', '02168'].map((tenant) => ({
  tenant,
  epci: KNOWN_COMMUNES[tenant]!.epci,
}));

/** Where simulated devices are placed when their commune is not listed above: the core of the Aisne. */
export const AISNE_BOUNDS = { latMin: 49.2, latMax: 49.9, lonMin: 3.0, lonMax: 4.2 } as const;

export const BUILDING_NAMES = {
  school: ['École Jean Macé', 'École Jules Ferry', 'École Paul Bert', 'École Louise Michel', 'École Victor Hugo', 'École Jean de La Fontaine'],
  'town-hall': ['Mairie', 'Mairie annexe', 'Centre technique municipal'],
  gym: ['Gymnase municipal', 'Salle des sports', 'Complexe sportif'],
  library: ['Médiathèque', 'Bibliothèque municipale'],
} as const;

export const CAR_PARK_NAMES = ['Parking de la gare', 'Parking du centre', "Parking de l'hôpital", 'Parking du marché', 'Parking des remparts'] as const;
