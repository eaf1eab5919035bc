/**
 * Energy priced in euros and kgCO2e: the money and carbon factors (validated, with
 * DOMAIN.md's defaults) and `priceEnergy`, shared by the rules' findings and the KPIs.
 */
export * from './energy-pricing';
