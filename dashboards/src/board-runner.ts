import type { InfluxRepository, QueryResult } from '@hv/timeseries';
import { formatVariable, interpolate, type TimeRange, type VariableDef } from './interpolate';
import { boardQueries, type BoardQuery } from './queries';

/** A scope to look at a board with: variable name → the values picked (absent: "All", or the custom variable's current value). */
export type VariablePicks = Readonly<Record<string, readonly string[]>>;

export interface ResolvedVariables {
  /** name → text substituted into queries. */
  text: Map<string, string>;
  /** name → the values a query variable offered (what its dropdown shows). */
  options: Map<string, string[]>;
}

export interface ExecutedQuery extends BoardQuery {
  sql: string;
  result: QueryResult;
  ms: number;
}

interface BoardJsonWithVariables {
  uid: string;
  templating?: { list?: VariableDef[] };
}

/**
 * The board's variables in order, as Grafana resolves them: each query variable's query
 * runs with the variables before it substituted (département → EPCI → commune cascade),
 * then takes the picked values or "All".
 */
export async function resolveVariables(board: BoardJsonWithVariables, influx: InfluxRepository, picks: VariablePicks, range: TimeRange, interval: string): Promise<ResolvedVariables> {
  const text = new Map<string, string>();
  const options = new Map<string, string[]>();
  for (const v of board.templating?.list ?? []) {
    if (v.type === 'query' && typeof v.query === 'string') {
      const result = await influx.query(interpolate(v.query, text, range, interval));
      const values = [...new Set(result.series.flatMap((s) => s.rows.map((r) => String(r.value))))].sort();
      options.set(v.name, values);
      const picked = picks[v.name];
      text.set(v.name, formatVariable(v, picked ? { values: picked, all: false } : { values, all: true }));
    } else {
      const picked = picks[v.name] ?? [String(v.current?.value ?? v.query ?? '')];
      text.set(v.name, formatVariable(v, { values: picked, all: false }));
    }
  }
  return { text, options };
}

/** Every annotation and panel query of the board, substituted and run, with its time. */
export async function runBoard(board: Parameters<typeof boardQueries>[0] & BoardJsonWithVariables, influx: InfluxRepository, variables: ResolvedVariables, range: TimeRange, interval: string): Promise<ExecutedQuery[]> {
  const out: ExecutedQuery[] = [];
  for (const q of boardQueries(board)) {
    if (q.kind === 'variable') continue;
    const sql = interpolate(q.query, variables.text, range, interval);
    const t0 = performance.now();
    const result = await influx.query(sql);
    out.push({ ...q, sql, result, ms: performance.now() - t0 });
  }
  return out;
}
