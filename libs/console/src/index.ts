export * from './console-files';
export * from './console.module';
