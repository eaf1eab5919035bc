export * from './dead-letter.publisher';
export * from './ingest.metrics';
export * from './ingest.module';
export * from './ingest.options';
export * from './ingest.service';
export * from './writer/batch-writer';
export * from './writer/disk-spool';
