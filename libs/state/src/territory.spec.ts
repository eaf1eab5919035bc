import { TENANT_ID_PATTERN } from '@hv/contracts';
import { describe, expect, it } from 'vitest';
import { loadTerritory } from './territory';

// Figures of @etalab/decoupage-administratif 6.0.0 (COG 2026) for the Aisne.
const LAON = '02408';
const CA_PAYS_DE_LAON = '200043495';
/** CC de l'Est de la Somme: seat in the Somme, 40 of its communes outside the Aisne. */
const CC_EST_DE_LA_SOMME = '200070985';

describe('loadTerritory', () => {
  const aisne = loadTerritory('02');

  it('holds the 797 current communes and 20 EPCIs of the Aisne', () => {
    expect(aisne.departement).toEqual({ id: '02', name: 'Aisne' });
    expect(aisne.communes).toHaveLength(797);
    expect(aisne.epcis).toHaveLength(20);
  });

  it('puts Laon in the Communauté d’agglomération du Pays de Laon', () => {
    const laon = aisne.communes.find((c) => c.id === LAON);
    expect(laon).toMatchObject({ name: 'Laon', epci: CA_PAYS_DE_LAON });
    expect(laon?.population).toBeGreaterThan(20_000);
    const ca = aisne.epcis.find((e) => e.id === CA_PAYS_DE_LAON);
    expect(ca?.name).toBe('CA du Pays de Laon');
    expect(ca?.communes).toContain(LAON);
    expect(ca?.communes).toHaveLength(38);
  });

  it('keeps only the Aisne members of an EPCI straddling two départements', () => {
    const cc = aisne.epcis.find((e) => e.id === CC_EST_DE_LA_SOMME);
    expect(cc).toBeDefined();
    expect(cc!.communes.length).toBeGreaterThan(0);
    expect(cc!.communes.every((c) => c.startsWith('02'))).toBe(true);
  });

  it('links every commune to exactly one EPCI, and EPCI member lists to communes', () => {
    const communeIds = new Set(aisne.communes.map((c) => c.id));
    const members = aisne.epcis.flatMap((e) => e.communes);
    expect(new Set(members).size).toBe(members.length);
    expect(members.every((m) => communeIds.has(m))).toBe(true);
    for (const c of aisne.communes) {
      expect(c.epci, c.id).not.toBeNull();
      expect(aisne.epcis.find((e) => e.id === c.epci)?.communes).toContain(c.id);
    }
  });

  it('gives ids that are valid tenant ids (INSEE and SIREN codes)', () => {
    const ids = [aisne.departement.id, ...aisne.epcis.map((e) => e.id), ...aisne.communes.map((c) => c.id)];
    expect(ids.filter((id) => !TENANT_ID_PATTERN.test(id))).toEqual([]);
    expect(aisne.epcis.every((e) => /^[0-9]{9}$/.test(e.id))).toBe(true);
    expect(aisne.communes.every((c) => /^02[0-9]{3}$/.test(c.id))).toBe(true);
  });

  it('loads another département, including Corsica’s alphanumeric codes', () => {
    const corseDuSud = loadTerritory('2A');
    expect(corseDuSud.departement.name).toBe('Corse-du-Sud');
    expect(corseDuSud.communes.length).toBeGreaterThan(100);
    expect(corseDuSud.communes.every((c) => c.id.startsWith('2A'))).toBe(true);
  });

  it('refuses an unknown département', () => {
    expect(() => loadTerritory('00')).toThrow(/unknown département "00"/);
  });
});
