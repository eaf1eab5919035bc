import { Controller, Get, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConsoleBundle, ConsoleFile } from './console-files';

export const CONSOLE_BUNDLE = Symbol('CONSOLE_BUNDLE');

/** A year, s: the longest max-age caches honour; vendor URLs carry their version. */
const IMMUTABLE_MAX_AGE_S = 31_536_000;

/**
 * The console's shell at `/` and its files under `/assets/`. Pages are hash routes
 * (`/#/…`), so no other path is the console's: /api, /metrics and /health keep theirs.
 * These routes declare no API access: the global guard lets routes outside /api pass.
 */
@Controller()
export class ConsoleController {
  constructor(@Inject(CONSOLE_BUNDLE) private readonly bundle: ConsoleBundle) {}

  @Get()
  shell(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.send(request, reply, this.bundle.index);
  }

  @Get('assets/*')
  asset(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const file = this.bundle.assets.get(request.url.split('?')[0]!);
    if (!file) throw new NotFoundException('no such console file');
    this.send(request, reply, file);
  }

  private send(request: FastifyRequest, reply: FastifyReply, file: ConsoleFile): void {
    const gzip = file.gzip && acceptsGzip(request.headers['accept-encoding']) ? file.gzip : undefined;
    const etag = gzip?.etag ?? file.etag;
    void reply
      .header('content-security-policy', this.bundle.contentSecurityPolicy)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', file.immutable ? `public, max-age=${IMMUTABLE_MAX_AGE_S}, immutable` : 'no-cache')
      .header('vary', 'accept-encoding')
      .header('etag', etag);
    if (request.headers['if-none-match'] === etag) {
      void reply.status(304).send();
      return;
    }
    if (gzip) void reply.header('content-encoding', 'gzip');
    void reply.header('content-type', file.contentType).send(gzip?.body ?? file.body);
  }
}

/** True unless the client refuses gzip or does not name it (`gzip;q=0` refuses). */
function acceptsGzip(header: string | string[] | undefined): boolean {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  return text.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
