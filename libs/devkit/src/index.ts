export * from './local-services';
export * from './provision';
export * from './app-process';
export * from './metrics-text';
export * from './provisioning.repository';
export * from './shutdown';
export * from './chromium';
