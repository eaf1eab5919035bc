export * from './codec-profile.schema';
export * from './codec-mapping';
export * from './shipped-models';
