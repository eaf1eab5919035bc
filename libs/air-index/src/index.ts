/**
 * Air quality as the regulations define it: the ATMO index (arrêté du 10 juillet 2020) per
 * station, per area and per pollutant, and the information and alert thresholds.
 */
export * from './atmo';
