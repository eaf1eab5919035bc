export * from './acl';
export * from './broker.service';
export * from './identity';
