export * from './acl';
export * from './broker.service';
export * from './identity';
export * from './registry-authority';
export * from './broker.module';
export * from './client-id';
export * from './credential-events';
export * from './broker-runner';
