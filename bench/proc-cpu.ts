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

function readStat(pid: number, tid?: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  } catch {
    return undefined; // exited meanwhile
  }
  // The command name (2nd field) may hold spaces and parentheses: the fields that follow
  // start after its last ')'. Then: state ppid … utime (14th field) stime (15th).
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), cpuS: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S };
}

/**
 * CPU seconds used so far by a whole process (every thread), or, with `tid`, by that one
 * thread of it (/proc/PID/task/TID/stat); 0 once it is gone.
 */
export function cpuSecondsOf(pid: number, tid?: number): number {
  return readStat(pid, tid)?.cpuS ?? 0;
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
 * CPU seconds used so far by `pid` and, with `children`, by each of its direct children
 * (PostgreSQL's backends are the postmaster's children), per PID.
 */
function cpuByPid(pid: number | undefined, children: boolean): Map<number, number> {
  const out = new Map<number, number>();
  if (pid === undefined) return out;
  const own = readStat(pid);
  if (own) out.set(pid, own.cpuS);
  if (!children) return out;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat?.ppid === pid) out.set(Number(entry), stat.cpuS);
  }
  return out;
}

/** The named processes' CPU seconds per PID at one instant, to compare with a later reading. */
export type CpuReading = Record<string, Map<number, number>>;

export interface WatchedProcess {
  name: string;
  pid: number | undefined;
  children?: boolean;
  /** Only this thread of the process (the all-in-one's broker thread). */
  tid?: number;
  /** The process without this thread. */
  minusTid?: number;
}

function cpuOf(p: WatchedProcess): Map<number, number> {
  if (p.pid === undefined || (p.tid === undefined && p.minusTid === undefined)) return cpuByPid(p.pid, p.children ?? false);
  const own = readStat(p.pid, p.tid);
  if (!own) return new Map();
  return new Map([[p.pid, own.cpuS - (p.minusTid !== undefined ? (readStat(p.pid, p.minusTid)?.cpuS ?? 0) : 0)]]);
}

export function readCpu(processes: readonly WatchedProcess[]): CpuReading {
  return Object.fromEntries(processes.map((p) => [p.name, cpuOf(p)]));
}

/**
 * CPU seconds each named process spent between two readings: the growth of every PID seen
 * in both, plus the whole time of those that started meanwhile. A PID gone by the second
 * reading (a pooled connection closed when idle) is left out: its share is lost, so the
 * figure is a lower bound, never a negative one.
 */
export function cpuSince(before: CpuReading, after: CpuReading): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pids] of Object.entries(after)) {
    let total = 0;
    for (const [pid, cpuS] of pids) total += cpuS - (before[name]?.get(pid) ?? 0);
    out[name] = total;
  }
  return out;
}

/** Where the run dir keeps each service's PID file (infra/services.sh's pid_file). */
export function servicePidFiles(runDir: string): { influxdb: string; postgres: string; mosquitto: string } {
  return {
    influxdb: join(runDir, 'influxdb', 'influxd.pid'),
    postgres: join(runDir, 'postgres', 'data', 'postmaster.pid'),
    mosquitto: join(runDir, 'mosquitto', 'mosquitto.pid'),
  };
}

/** InfluxDB, and PostgreSQL's postmaster with its backends, of the run dir's services. */
export function storageProcesses(runDir: string): WatchedProcess[] {
  const pids = servicePidFiles(runDir);
  return [
    { name: 'influxdb', pid: pidFromFile(pids.influxdb) },
    { name: 'postgres', pid: pidFromFile(pids.postgres), children: true },
  ];
}

/**
 * The CPU every watched process spends from now until perItem(), per item, µs, with their
 * total; `more` adds seconds measured otherwise (a process that exited meanwhile).
 */
export function cpuBudget(processes: readonly WatchedProcess[]): { perItem(items: number, more?: Record<string, number>): Record<string, number> } {
  const before = readCpu(processes);
  return {
    perItem(items, more = {}) {
      const out: Record<string, number> = {};
      for (const [name, s] of Object.entries({ ...cpuSince(before, readCpu(processes)), ...more })) out[name] = Math.round((s * 1e6) / items);
      out.total = Object.values(out).reduce((a, b) => a + b, 0);
      return out;
    },
  };
}
