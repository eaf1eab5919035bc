/**
 * Grafana's substitution of template variables into a raw InfluxQL query, as its InfluxDB
 * data source does it (public/app/plugins/datasource/influxdb: interpolateVariable):
 * `$timeFilter` becomes `time >= {from}ms and time <= {to}ms`; a multi-value or "All"
 * variable is a regex alternation of its escaped values (`(a|b)`), or its `allValue`
 * verbatim when it has one. The boards' tests and benchmark run queries through this.
 */

export interface TimeRange {
  fromMs: number;
  toMs: number;
}

/** What a board's variable holds once chosen: the values shown, and whether "All" is picked. */
export interface VariableChoice {
  values: readonly string[];
  all: boolean;
}

export interface VariableDef {
  name: string;
  type: string;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
  query?: unknown;
  current?: { value?: unknown };
}

/** Regex metacharacters escaped as Grafana's escapeRegex does. */
export const escapeRegex = (s: string): string => s.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');

/** The text a chosen variable puts in a query. */
export function formatVariable(def: VariableDef, choice: VariableChoice): string {
  if (choice.all && def.allValue !== undefined) return def.allValue;
  const regex = def.multi || def.includeAll;
  if (!regex) return choice.values[0] ?? '';
  if (choice.values.length === 1) return escapeRegex(choice.values[0]!);
  return `(${choice.values.map(escapeRegex).join('|')})`;
}

/** `$name` and `${name}` replaced by `values`, `$timeFilter` and `$__interval` from the range and interval. */
export function interpolate(query: string, values: ReadonlyMap<string, string>, range: TimeRange, interval: string): string {
  const builtins = new Map<string, string>([
    ['timeFilter', `time >= ${Math.round(range.fromMs)}ms and time <= ${Math.round(range.toMs)}ms`],
    ['__interval', interval],
  ]);
  return query.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const value = builtins.get(name) ?? values.get(name);
    if (value === undefined) throw new Error(`no value for the variable $${name} in: ${query}`);
    return value;
  });
}
