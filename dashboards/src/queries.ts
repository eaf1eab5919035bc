/** One InfluxQL query of a generated board: a template variable's, an annotation's or a panel target's. */
export interface BoardQuery {
  board: string;
  /** `variable epci`, `annotation Alarms raised`, or `panel <title> / <refId>`. */
  where: string;
  kind: 'variable' | 'annotation' | 'panel';
  /** For panels: the panel type (timeseries, stat, table, geomap) and the target's result format. */
  panelType?: string;
  format?: string;
  query: string;
}

interface BoardJson {
  uid: string;
  templating?: { list?: Array<{ name: string; type: string; query?: unknown }> };
  annotations?: { list?: Array<{ name: string; target?: { query?: string } }> };
  panels?: Array<{ title: string; type: string; targets?: Array<{ refId: string; query?: string; resultFormat?: string }> }>;
}

/** Every query a board runs, as Grafana would send it before substituting the variables. */
export function boardQueries(board: BoardJson): BoardQuery[] {
  const out: BoardQuery[] = [];
  for (const v of board.templating?.list ?? []) {
    if (v.type === 'query' && typeof v.query === 'string') out.push({ board: board.uid, where: `variable ${v.name}`, kind: 'variable', query: v.query });
  }
  for (const a of board.annotations?.list ?? []) {
    if (a.target?.query) out.push({ board: board.uid, where: `annotation ${a.name}`, kind: 'annotation', query: a.target.query });
  }
  for (const p of board.panels ?? []) {
    for (const t of p.targets ?? []) {
      if (t.query) out.push({ board: board.uid, where: `panel ${p.title} / ${t.refId}`, kind: 'panel', panelType: p.type, format: t.resultFormat ?? 'time_series', query: t.query });
    }
  }
  return out;
}
