import { Test } from '@nestjs/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INFLUX_OPTIONS } from './influx.options';
import { InfluxRepository } from './influx.repository';
import { TimeseriesModule } from './timeseries.module';
import { InfluxRejectedError, InfluxUnavailableError } from './timeseries.errors';

let server: Server;
let url: string;
let queries: string[] = [];
let createAnswer = '{"results":[{"statement_id":0}]}';

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      queries.push(new URLSearchParams(body).get('q') ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(createAnswer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('TimeseriesModule.forRoot', () => {
  it('provides one InfluxRepository and the options, without createDatabase in them', async () => {
    queries = [];
    const moduleRef = await Test.createTestingModule({ imports: [TimeseriesModule.forRoot({ url, database: 'hv' })] }).compile();
    expect(moduleRef.get(InfluxRepository)).toBeInstanceOf(InfluxRepository);
    expect(moduleRef.get(INFLUX_OPTIONS)).toEqual({ url, database: 'hv' });
    expect(queries).toEqual([]);
    await moduleRef.close();
  });

  it('creates the database before anything can use the repository, and closes it on shutdown', async () => {
    queries = [];
    createAnswer = '{"results":[{"statement_id":0}]}';
    const moduleRef = await Test.createTestingModule({
      imports: [TimeseriesModule.forRoot({ url, database: 'hv', createDatabase: true })],
    }).compile();
    expect(queries).toEqual(['CREATE DATABASE "hv"']);
    const repo = moduleRef.get(InfluxRepository);
    await moduleRef.close();
    await expect(repo.write('m v=1 1\n')).rejects.toBeInstanceOf(InfluxUnavailableError);
  });

  it('fails start-up when the database cannot be created', async () => {
    createAnswer = '{"results":[{"statement_id":0,"error":"forbidden"}]}';
    await expect(
      Test.createTestingModule({ imports: [TimeseriesModule.forRoot({ url, database: 'hv', createDatabase: true })] }).compile(),
    ).rejects.toBeInstanceOf(InfluxRejectedError);
  });
});
