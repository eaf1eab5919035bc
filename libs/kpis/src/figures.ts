/** Energy in kWh with its price (€) and carbon (kgCO2e), from a tenant's factors. */
export interface Savings {
  kwh: number;
  eur: number;
  kgco2: number;
}

export const noSavings = (): Savings => ({ kwh: 0, eur: 0, kgco2: 0 });

export function addSavings(into: Savings, s: Savings): Savings {
  into.kwh += s.kwh;
  into.eur += s.eur;
  into.kgco2 += s.kgco2;
  return into;
}

/** Sums one numeric field over items. */
export const sumOf = <T>(items: readonly T[], value: (item: T) => number): number => items.reduce((s, i) => s + value(i), 0);

/** Rounded for an answer: kWh, kg and hours to the Wh, g and 3.6 s; € to the cent; shares to 0.1 %. */
export const round3 = (x: number): number => Math.round(x * 1000) / 1000;
export const round2 = (x: number): number => Math.round(x * 100) / 100;
export const pct = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);

export const roundSavings = (s: Savings): Savings => ({ kwh: round3(s.kwh), eur: round2(s.eur), kgco2: round3(s.kgco2) });
