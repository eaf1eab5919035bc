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
    void reply
      .header('content-security-policy', this.bundle.contentSecurityPolicy)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', file.immutable ? `public, max-age=${IMMUTABLE_MAX_AGE_S}, immutable` : 'no-cache')
      .header('etag', file.etag);
    if (request.headers['if-none-match'] === file.etag) {
      void reply.status(304).send();
      return;
    }
    void reply.header('content-type', file.contentType).send(file.body);
  }
}
