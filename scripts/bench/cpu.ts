/**
 * Where a benchmark's CPU goes, from /proc: the machine's busy and idle time, and the CPU of the bench's
 * own process, the Temporal server and PostgreSQL's processes over a measured span. On this 2-core
 * machine a case whose machine is busy all the time runs at the rate its CPU per request allows: the
 * CPU per request of a route beside its limit's says how much of a ratio the machine leaves (Linux only;
 * elsewhere the figures are empty).
 */
import { readdir, readFile } from 'node:fs/promises';

/** Clock ticks a second (USER_HZ): 100 on Linux. */
const TICK_MS = 10;

interface Snapshot {
  busy: number;
  idle: number;
  /** Ticks of each live process of a group, by pid. */
  processes: Map<number, { group: string; ticks: number }>;
}

type Groups = Record<string, (comm: string, pid: number) => boolean>;

/**
 * The processes a span's CPU is split over: the bench (this process), Temporal's server, PostgreSQL, and
 * the bench's own children named in `pids` (the API's process, a worker's), each its own group, first.
 */
const groupsOf = (pids: Record<string, number>): Groups => ({
  ...Object.fromEntries(Object.entries(pids).map(([name, own]) => [name, (_comm: string, pid: number) => pid === own])),
  bench: (_comm, pid) => pid === process.pid,
  temporal: (comm) => comm === 'temporal' || comm.startsWith('temporal-'),
  postgres: (comm) => comm === 'postgres',
});

async function processTicks(pid: number): Promise<{ comm: string; ticks: number } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // utime and stime are the 14th and 15th fields: the 12th and 13th after the name.
    return { comm, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined; // the process ended between the listing and the read
  }
}

async function snapshot(groups: Groups): Promise<Snapshot | undefined> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line;
    const processes: Snapshot['processes'] = new Map();
    const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
    for (const pid of pids) {
      const p = await processTicks(pid);
      if (!p) continue;
      const group = Object.entries(groups).find(([, match]) => match(p.comm, pid))?.[0];
      if (group) processes.set(pid, { group, ticks: p.ticks });
    }
    return { busy: user + nice + system + irq + softirq + steal, idle: idle + iowait, processes };
  } catch {
    return undefined;
  }
}

/** CPU over a span, per request. */
export interface CpuSpan {
  /** Share of the machine's time busy over the span (0–1). */
  busyShare: number;
  /** CPU ms a request, the whole machine. */
  perRequestMs: number;
  /** CPU ms a request, per process group (bench, temporal, postgres), and `other` for the rest. */
  byGroupMs: Record<string, number>;
}

/**
 * Starts a span; `end(requests)` gives its CPU per request (undefined where /proc cannot be read). `pids`
 * names the bench's child processes to count apart (`{ api: child.pid }`).
 */
export async function cpuSpan(
  pids: Record<string, number> = {},
): Promise<{ end(requests: number): Promise<CpuSpan | undefined> }> {
  const groups = groupsOf(pids);
  const start = await snapshot(groups);
  return {
    async end(requests) {
      const stop = await snapshot(groups);
      if (!start || !stop || requests === 0) return undefined;
      const busy = (stop.busy - start.busy) * TICK_MS;
      const idle = (stop.idle - start.idle) * TICK_MS;
      // A process alive at the end counts from the start (or from its own start, if it began within the span);
      // one that ended within the span (PostgreSQL's parallel workers) is left in `other` with the rest.
      const groupedMs: Record<string, number> = Object.fromEntries(Object.keys(groups).map((g) => [g, 0]));
      for (const [pid, { group, ticks }] of stop.processes)
        groupedMs[group]! += (ticks - (start.processes.get(pid)?.ticks ?? 0)) * TICK_MS;
      const grouped = Object.values(groupedMs).reduce((a, b) => a + b, 0);
      const byGroupMs = Object.fromEntries(Object.entries(groupedMs).map(([g, ms]) => [g, ms / requests]));
      byGroupMs.other = Math.max(busy - grouped, 0) / requests;
      return { busyShare: busy / Math.max(busy + idle, 1), perRequestMs: busy / requests, byGroupMs };
    },
  };
}

/** Runs `phase` inside a CPU span: its result, and the CPU each of its `requests` cost. */
export async function withCpu<T>(
  requests: number,
  phase: () => Promise<T>,
  pids: Record<string, number> = {},
): Promise<{ result: T; cpu: CpuSpan | undefined }> {
  const span = await cpuSpan(pids);
  const result = await phase();
  return { result, cpu: await span.end(requests) };
}

/** "9.1 ms (bench 4.2, temporal 3.9, postgres 0.8, other 0.2), machine busy 97%". */
export const describeCpu = (span: CpuSpan | undefined): string =>
  span
    ? `${span.perRequestMs.toFixed(1)} ms (${Object.entries(span.byGroupMs)
        .map(([group, ms]) => `${group} ${ms.toFixed(1)}`)
        .join(', ')}), machine busy ${(span.busyShare * 100).toFixed(0)}%`
    : 'not measured (no /proc)';
