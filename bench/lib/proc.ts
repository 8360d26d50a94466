// Process sampling from /proc (Linux only): process trees, resident memory, CPU time, machine CPU.
//
// A worker started as `npx tsx src/main.ts worker` is a tree of three node processes: npm (npx), the tsx CLI, and
// the node process that really runs src/main.ts with tsx's loader (tesseract.js runs in worker_threads of that last
// process, so its threads are counted in it). sampleTree() reports the whole tree and, separately, that last
// process — the "worker" — identified as the deepest process of the tree whose command line names the entry file.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clkTck: number | undefined;
/** Clock ticks per second of utime/stime in /proc/<pid>/stat (almost always 100). */
export function clockTicks(): number {
  if (clkTck === undefined) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

interface StatFields {
  state: string;
  ppid: number;
  /** utime + stime of the process itself (all its threads), seconds. */
  cpuSec: number;
  /** cutime + cstime: CPU of its children that have exited and been waited for (e.g. native tesseract runs), seconds. */
  reapedCpuSec: number;
}

function readStat(pid: number): StatFields | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid …": comm may contain spaces and parentheses, so split after the LAST ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] = state (field 3), rest[1] = ppid (4), rest[11] = utime (14), rest[12] = stime (15),
  // rest[13] = cutime (16), rest[14] = cstime (17)
  return {
    state: rest[0] ?? '?',
    ppid: Number(rest[1]),
    cpuSec: (Number(rest[11]) + Number(rest[12])) / clockTicks(),
    reapedCpuSec: (Number(rest[13]) + Number(rest[14])) / clockTicks(),
  };
}

/** VmRSS and VmHWM (peak RSS) of a process in bytes, or null when it is gone. */
export function readMemory(pid: number): { rss: number; hwm: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

export function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const st = readStat(pid);
  return st !== null && st.state !== 'Z' && st.state !== 'X';
}

/** The pid and every descendant of it, parents before children, each with its depth below the root. */
export function processTree(root: number): { pid: number; depth: number }[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(Number(name));
    if (!st) continue;
    const list = children.get(st.ppid) ?? [];
    list.push(Number(name));
    children.set(st.ppid, list);
  }
  if (!isAlive(root)) return [];
  const out: { pid: number; depth: number }[] = [];
  const walk = (pid: number, depth: number) => {
    out.push({ pid, depth });
    for (const c of children.get(pid) ?? []) walk(c, depth + 1);
  };
  walk(root, 0);
  return out;
}

export interface TreeSample {
  /** Every live process of the tree. */
  pids: number[];
  /** Sum of VmRSS over the tree (wrappers included), bytes. */
  treeRss: number;
  /** Sum of CPU seconds used so far by the live processes of the tree. */
  treeCpuSec: number;
  /**
   * The process doing the work (deepest process whose command line contains `marker`), when found. Its cpuSec
   * includes the CPU of the processes it starts (the native OCR engine runs one tesseract process per page): the live
   * ones below it in the tree and the ones that have exited (cutime + cstime). `ownCpuSec` is its own only.
   */
  worker?: { pid: number; rss: number; hwm: number; cpuSec: number; ownCpuSec: number };
}

export function sampleTree(root: number, marker: string): TreeSample {
  const tree = processTree(root);
  let treeRss = 0;
  let treeCpuSec = 0;
  let worker: { pid: number; depth: number; rss: number; hwm: number; ownCpuSec: number; reapedCpuSec: number } | undefined;
  const live: { pid: number; depth: number; cpuSec: number }[] = [];
  for (const { pid, depth } of tree) {
    const mem = readMemory(pid);
    const st = readStat(pid);
    if (!mem || !st) continue;
    treeRss += mem.rss;
    treeCpuSec += st.cpuSec;
    live.push({ pid, depth, cpuSec: st.cpuSec });
    if (depth > (worker?.depth ?? -1) && readCmdline(pid).includes(marker)) {
      worker = { pid, depth, rss: mem.rss, hwm: mem.hwm, ownCpuSec: st.cpuSec, reapedCpuSec: st.reapedCpuSec };
    }
  }
  if (!worker) return { pids: tree.map((t) => t.pid), treeRss, treeCpuSec };
  // processTree lists parents before children, so the worker's live descendants are the deeper entries right after it.
  const at = live.findIndex((p) => p.pid === worker.pid);
  let descendantsCpu = 0;
  for (let i = at + 1; i < live.length && live[i]!.depth > worker.depth; i++) descendantsCpu += live[i]!.cpuSec;
  const { pid, rss, hwm, ownCpuSec, reapedCpuSec } = worker;
  // The tree's own sum misses the reaped children of the worker: add them, so that tree ≥ worker.
  treeCpuSec += reapedCpuSec;
  return {
    pids: tree.map((t) => t.pid),
    treeRss,
    treeCpuSec,
    worker: { pid, rss, hwm, ownCpuSec, cpuSec: ownCpuSec + reapedCpuSec + descendantsCpu },
  };
}

/** CPU seconds used so far by this process. */
export function selfCpuSec(): number {
  return readStat(process.pid)?.cpuSec ?? 0;
}

/** Machine-wide CPU counters from /proc/stat (ticks): busy and total, summed over every core. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** CPU seconds used so far by the live processes whose command name (comm) is one of `names`, per name. */
export function cpuByCommand(names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let comm: string;
    try {
      comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (!(comm in out)) continue;
    const st = readStat(Number(entry));
    if (st) out[comm]! += st.cpuSec;
  }
  return out;
}
