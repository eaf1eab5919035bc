/**
 * InfluxRepository's queries (JSON and MessagePack answers), ping and database statements
 * against a throwaway node:http server standing in for InfluxDB. The real server is
 * exercised by test/integration/timeseries.
 */
import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { answer, rejection, useFakeInflux, type Handler } from './testing/fake-influx';
import { InfluxRejectedError, InfluxUnavailableError } from './timeseries.errors';

const fake = useFakeInflux();

describe('query as MessagePack', () => {
  const response = { results: [{ statement_id: 0, series: [{ name: 'lamp', tags: { device: 'a' }, columns: ['time', 'power'], values: [[1000, 1.5], [2000, null]] }] }] };
  /** Answers MessagePack to a request that accepts it, JSON otherwise. */
  const both =
    (status: number, body: unknown): Handler =>
    (req, res) => {
      const msgpack = req.headers.accept === 'application/x-msgpack';
      res.writeHead(status, { 'content-type': msgpack ? 'application/x-msgpack' : 'application/json' });
      res.end(msgpack ? Buffer.from(encode(body)) : JSON.stringify(body));
    };

  it('asks for MessagePack and reads the same series as from JSON', async () => {
    fake.handler = both(200, response);
    const result = await fake.repository().query('SELECT * FROM lamp');
    expect(fake.seen[0]!.headers.accept).toBe('application/x-msgpack');
    expect(result.series).toEqual([{ name: 'lamp', tags: { device: 'a' }, columns: ['time', 'power'], rows: [{ time: 1000, power: 1.5 }, { time: 2000, power: null }] }]);
    expect(await fake.repository().queryColumns('SELECT * FROM lamp')).toEqual([[{ name: 'lamp', tags: { device: 'a' }, columns: ['time', 'power'], values: [[1000, 1.5], [2000, null]] }]]);
  });

  it('asks again as JSON when the answer does not decode (a tag named __proto__), and keeps that tag as data', async () => {
    const tags = JSON.parse('{"__proto__":"x"}') as Record<string, string>;
    fake.handler = both(200, { results: [{ statement_id: 0, series: [{ name: 'lamp', tags, columns: ['time'], values: [[1000]] }] }] });
    const result = await fake.repository().query('SELECT * FROM lamp GROUP BY *');
    expect(fake.seen.map((s) => s.headers.accept)).toEqual(['application/x-msgpack', undefined]);
    expect(Object.getOwnPropertyDescriptor(result.series[0]!.tags, '__proto__')?.value).toBe('x');
    expect(Object.getPrototypeOf(result.series[0]!.tags)).toBe(Object.prototype);
  });

  it('reads the error of a MessagePack answer: a 400 rejected, a 500 unavailable', async () => {
    fake.handler = both(400, { error: 'error parsing query: found SELEC' });
    const rejected = await rejection(fake.repository().query('SELEC 1'));
    expect(rejected).toBeInstanceOf(InfluxRejectedError);
    expect((rejected as Error).message).toBe('error parsing query: found SELEC');
    fake.handler = both(500, { error: 'engine broke' });
    const unavailable = await rejection(fake.repository().query('SELECT 1'));
    expect(unavailable).toBeInstanceOf(InfluxUnavailableError);
    expect((unavailable as Error).message).toBe('InfluxDB answered 500: engine broke');
  });

  it('reads a statement error from a MessagePack answer', async () => {
    fake.handler = both(200, { results: [{ statement_id: 0, error: 'database not found: nope' }] });
    expect(((await rejection(fake.repository().query('SELECT 1'))) as Error).message).toBe('statement 0: database not found: nope');
  });

  it('asks database statements as JSON', async () => {
    fake.handler = both(200, { results: [{ statement_id: 0 }] });
    await fake.repository().createDatabase();
    expect(fake.seen[0]!.headers.accept).toBeUndefined();
  });
});

describe('query', () => {
  const response = {
    results: [
      {
        statement_id: 0,
        series: [
          { name: 'lamp', tags: { device: 'a' }, columns: ['time', 'power', '__proto__'], values: [[1000, 1.5, 'x'], [2000, null, 'y']] },
          { name: 'lamp', tags: { device: 'b' }, columns: ['time', 'power', '__proto__'], values: [[1000, 3, null]] },
        ],
      },
    ],
  };

  it('POSTs q, db, epoch=ms and bound params as a form, and flattens series into rows', async () => {
    fake.handler = answer(200, JSON.stringify(response));
    const result = await fake.repository().query('SELECT * FROM lamp WHERE device = $d GROUP BY *', { d: 'a', n: 2, b: true });
    const form = new URLSearchParams(fake.seen[0]!.body);
    expect(fake.seen[0]).toMatchObject({ method: 'POST', url: '/query' });
    expect(fake.seen[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(form)).toEqual({
      q: 'SELECT * FROM lamp WHERE device = $d GROUP BY *',
      db: 'hv',
      epoch: 'ms',
      params: '{"d":"a","n":2,"b":true}',
    });
    expect(result.series).toEqual([
      {
        name: 'lamp',
        tags: { device: 'a' },
        columns: ['time', 'power', '__proto__'],
        rows: [
          { time: 1000, power: 1.5, ['__proto__']: 'x' },
          { time: 2000, power: null, ['__proto__']: 'y' },
        ],
      },
      { name: 'lamp', tags: { device: 'b' }, columns: ['time', 'power', '__proto__'], rows: [{ time: 1000, power: 3, ['__proto__']: null }] },
    ]);
    // A column named __proto__ is data, not the row's prototype.
    expect(Object.getPrototypeOf(result.series[0]!.rows[0])).toBe(Object.prototype);
  });

  it('gives no series for a statement without data', async () => {
    fake.handler = answer(200, '{"results":[{"statement_id":0}]}');
    expect(await fake.repository().query('SELECT * FROM nothing')).toEqual({ series: [] });
  });

  it('returns one result per statement with queryMulti', async () => {
    fake.handler = answer(200, JSON.stringify({ results: [{ statement_id: 0 }, response.results[0]] }));
    const results = await fake.repository().queryMulti('SELECT * FROM a; SELECT * FROM lamp');
    expect(results).toHaveLength(2);
    expect(results[0]!.series).toEqual([]);
    expect(results[1]!.series).toHaveLength(2);
  });

  it('turns a statement error into InfluxRejectedError', async () => {
    fake.handler = answer(200, '{"results":[{"statement_id":0},{"statement_id":1,"error":"database not found: nope"}]}');
    const error = await rejection(fake.repository().queryMulti('SELECT 1; SELECT 2'));
    expect(error).toBeInstanceOf(InfluxRejectedError);
    expect((error as Error).message).toBe('statement 1: database not found: nope');
  });

  it('turns a syntax error (400) into InfluxRejectedError', async () => {
    fake.handler = answer(400, '{"error":"error parsing query: found SELEC, expected SELECT at line 1, char 1"}');
    const error = await rejection(fake.repository().query('SELEC 1'));
    expect(error).toBeInstanceOf(InfluxRejectedError);
    expect(error).toMatchObject({ status: 400, message: expect.stringMatching(/^error parsing query/) });
  });

  it('turns a 2xx that is not JSON (a proxy page) into InfluxUnavailableError', async () => {
    fake.handler = answer(200, '<html>maintenance</html>', 'text/html');
    await expect(fake.repository().query('SELECT 1')).rejects.toBeInstanceOf(InfluxUnavailableError);
  });

  it('turns a 503 into InfluxUnavailableError', async () => {
    fake.handler = answer(503, '');
    await expect(fake.repository().query('SELECT 1')).rejects.toBeInstanceOf(InfluxUnavailableError);
  });
});

describe('ping', () => {
  it.each([204, 200])('resolves on %i (1.x/2.x answer 204, 3.x 200)', async (status) => {
    fake.handler = answer(status);
    await expect(fake.repository().ping()).resolves.toBeUndefined();
    expect(fake.seen[0]).toMatchObject({ method: 'GET', url: '/ping' });
  });

  it.each([404, 500, 503])('throws InfluxUnavailableError on %i, never a rejection', async (status) => {
    fake.handler = answer(status);
    const error = await rejection(fake.repository().ping());
    expect(error).toBeInstanceOf(InfluxUnavailableError);
    expect((error as InfluxUnavailableError).status).toBe(status);
  });

  it('gives up after its own short timeout', async () => {
    fake.handler = () => {};
    const started = Date.now();
    await expect(fake.repository({ timeoutMs: 10_000 }).ping(100)).rejects.toBeInstanceOf(InfluxUnavailableError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('createDatabase / dropDatabase', () => {
  it('sends CREATE / DROP DATABASE with a quoted name and no db parameter', async () => {
    fake.handler = answer(200, '{"results":[{"statement_id":0}]}');
    const repo = fake.repository({ database: 'hv "prod"' });
    await repo.createDatabase();
    await repo.dropDatabase('other\\db');
    expect(fake.seen.map((s) => Object.fromEntries(new URLSearchParams(s.body)))).toEqual([
      { q: 'CREATE DATABASE "hv \\"prod\\""' },
      { q: 'DROP DATABASE "other\\\\db"' },
    ]);
  });

  it('turns a statement error into InfluxRejectedError', async () => {
    fake.handler = answer(200, '{"results":[{"statement_id":0,"error":"unable to create database: forbidden"}]}');
    await expect(fake.repository().createDatabase()).rejects.toBeInstanceOf(InfluxRejectedError);
  });
});
