/**
 * CPU time of the processes a bench drives, from /proc (Linux): what each one spent
 * between two readings tells where a request's time went (the API's Node process, InfluxDB,
 * PostgreSQL's backends) when the latency alone cannot.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Clock ticks per second of /proc/PID/stat's times (USER_HZ: 100 on every Linux platform Node runs on). */
const CLOCK_TICKS_PER_S = 100;

interface ProcStat {
  ppid: number;
  /** utime + stime, s. */
  cpuS: number;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited meanwhile
  }
  // The command name (2nd field) may hold spaces and parentheses: the fields that follow
  // start after its last ')'. Then: state ppid … utime (14th field) stime (15th).
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), cpuS: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S };
}

/** The PID written on the first line of a PID file (influxd.pid, PostgreSQL's postmaster.pid). */
export function pidFromFile(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds used so far by `pid` and, with `children`, by its direct children (PostgreSQL's
 * backends are the postmaster's children; a backend that exited takes its time with it, so
 * the pool's long-lived connections are what this counts).
 */
export function cpuSeconds(pid: number | undefined, children = false): number {
  if (pid === undefined) return 0;
  let total = readStat(pid)?.cpuS ?? 0;
  if (!children) return total;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat?.ppid === pid) total += stat.cpuS;
  }
  return total;
}

/** The named processes' CPU seconds at one instant, to subtract from a later reading. */
export type CpuReading = Record<string, number>;

export interface WatchedProcess {
  name: string;
  pid: number | undefined;
  children?: boolean;
}

export function readCpu(processes: readonly WatchedProcess[]): CpuReading {
  return Object.fromEntries(processes.map((p) => [p.name, cpuSeconds(p.pid, p.children)]));
}

export function cpuSince(before: CpuReading, after: CpuReading): CpuReading {
  return Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - (before[k] ?? 0)]));
}

/** Where the run dir keeps each service's PID file (infra/services.sh's pid_file). */
export function servicePidFiles(runDir: string): { influxdb: string; postgres: string } {
  return { influxdb: join(runDir, 'influxdb', 'influxd.pid'), postgres: join(runDir, 'postgres', 'data', 'postmaster.pid') };
}
