/**
 * A general in-process cache: `TtlCache`, values computed once per key and kept a while
 * (TTL, least-recently-used bound, one shared computation per key, failures not kept).
 */
export * from './ttl-cache';
