import { Counter, type Registry } from 'prom-client';

/**
 * `hv_api_refusals_total{route, status}`: requests the API refused for what they sent (400
 * a field, 413 too large, 415 a media type), by route pattern (bounded: never the raw URL).
 * A rise on one route is a client to call, or an attack to look at.
 */
export class ApiRefusalCounter {
  private readonly counter: Counter<'route' | 'status'>;

  constructor(registry: Registry) {
    this.counter = new Counter({ name: 'hv_api_refusals_total', help: 'requests refused for their input (400, 413, 415), by route pattern and status', labelNames: ['route', 'status'], registers: [registry] });
  }

  count(method: string, routePattern: string | undefined, status: number): void {
    this.counter.inc({ route: `${method} ${routePattern ?? '(no route)'}`, status: String(status) });
  }
}

/** The statuses that refuse a request's input. */
export const INPUT_REFUSALS: ReadonlySet<number> = new Set([400, 413, 415]);
