import { Injectable } from '@nestjs/common';

/** A dependency whose reachability /health reports (InfluxDB, PostgreSQL, broker…). */
export interface HealthCheck {
  name: string;
  /** Resolves true when reachable; a rejection or false counts as down. */
  check(): Promise<boolean>;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: Record<string, { up: boolean; error?: string; ms: number }>;
}

const CHECK_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthRegistry {
  private readonly checks: HealthCheck[] = [];

  register(check: HealthCheck): void {
    this.checks.push(check);
  }

  async report(): Promise<HealthReport> {
    const entries = await Promise.all(
      this.checks.map(async (c) => {
        const started = Date.now();
        try {
          const up = await Promise.race([
            c.check(),
            new Promise<boolean>((_, reject) => setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS).unref()),
          ]);
          return [c.name, { up, ms: Date.now() - started }] as const;
        } catch (error) {
          return [c.name, { up: false, error: (error as Error).message, ms: Date.now() - started }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    return { status: entries.every(([, r]) => r.up) ? 'ok' : 'degraded', checks };
  }
}
