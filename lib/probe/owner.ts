import * as fs from 'node:fs';
import * as os from 'node:os';

/**
 * Who owns a probe run, recorded in the labels of every object the run creates, so that
 * `probe --cleanup` can tell a run that is over from one still in progress.
 *
 * A process id alone is not enough: pids are reused, and a pid means something only in the pid
 * namespace of the kernel that gave it. On Linux the owner is therefore the pid plus its
 * `starttime` (field 22 of /proc/<pid>/stat, clock ticks since boot, see proc(5)) plus the
 * "pid space" it is valid in: the kernel's boot id (/proc/sys/kernel/random/boot_id) and the
 * pid namespace (/proc/self/ns/pid). Elsewhere only the pid is recorded, and a reused pid
 * cannot be told from the owner.
 */

export const OWNER_HOST_LABEL = 'com.compose-netlint.owner.host';
export const OWNER_PID_LABEL = 'com.compose-netlint.owner.pid';
export const OWNER_PID_SPACE_LABEL = 'com.compose-netlint.owner.pid-space';
export const OWNER_PID_START_LABEL = 'com.compose-netlint.owner.pid-start';
/** When the run started, ISO 8601 UTC (the owner's clock). */
export const STARTED_LABEL = 'com.compose-netlint.started';

export interface Owner {
  host: string;
  pid: number;
  /** `<boot id>/<pid namespace inode>` on Linux: where `pid` means this process */
  pidSpace?: string;
  /** the process's start, in clock ticks since boot (Linux) */
  pidStart?: string;
}

/** Reads what /proc says about processes; a seam for tests. */
export interface ProcessTable {
  /** this process's owner record */
  self(): Owner;
  /** a process's start in clock ticks since boot; null when no such process exists; undefined when it cannot be told (no /proc) */
  startOf(pid: number): string | null | undefined;
  /** whether a process exists (kill -0), for systems without /proc */
  exists(pid: number): boolean;
}

/** The `starttime` field of a /proc/<pid>/stat line; the command name may hold spaces and parentheses. */
export function statStartTime(stat: string): string | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field 22 (starttime) is fields[19]
  return /^\d+$/.test(fields[19] ?? '') ? fields[19] : undefined;
}

function readProc(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The process table of this machine, from /proc where there is one. */
export const localProcesses: ProcessTable = {
  self() {
    const owner: Owner = { host: os.hostname(), pid: process.pid };
    const boot = readProc('/proc/sys/kernel/random/boot_id')?.trim();
    const start = statStartTime(readProc('/proc/self/stat') ?? '');
    let ns: string | undefined;
    try {
      ns = /\[(\d+)\]/.exec(fs.readlinkSync('/proc/self/ns/pid'))?.[1];
    } catch {
      ns = undefined;
    }
    if (boot && ns && start) {
      owner.pidSpace = `${boot}/${ns}`;
      owner.pidStart = start;
    }
    return owner;
  },
  startOf(pid) {
    if (!fs.existsSync('/proc/self/stat')) return undefined;
    const stat = readProc(`/proc/${pid}/stat`);
    return stat === undefined ? null : (statStartTime(stat) ?? null);
  },
  exists(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
};

/** The labels that name a run's owner and start. */
export function ownerLabels(owner: Owner, started: Date): Record<string, string> {
  const labels: Record<string, string> = {
    [OWNER_HOST_LABEL]: owner.host,
    [OWNER_PID_LABEL]: String(owner.pid),
    [STARTED_LABEL]: started.toISOString(),
  };
  if (owner.pidSpace && owner.pidStart) {
    labels[OWNER_PID_SPACE_LABEL] = owner.pidSpace;
    labels[OWNER_PID_START_LABEL] = owner.pidStart;
  }
  return labels;
}

/** The owner recorded in labels; undefined for objects of versions that recorded none. */
export function ownerOf(labels: Record<string, string> | undefined): Owner | undefined {
  const host = labels?.[OWNER_HOST_LABEL];
  const pid = Number(labels?.[OWNER_PID_LABEL]);
  if (!host || !Number.isInteger(pid) || pid <= 0) return undefined;
  const owner: Owner = { host, pid };
  if (labels![OWNER_PID_SPACE_LABEL] && labels![OWNER_PID_START_LABEL]) {
    owner.pidSpace = labels![OWNER_PID_SPACE_LABEL];
    owner.pidStart = labels![OWNER_PID_START_LABEL];
  }
  return owner;
}

/** From what age a run of another host (or of unknown owner) counts as over, unless --older-than says otherwise: one hour. */
export const DEFAULT_OLDER_THAN_MS = 3_600_000;

export interface RunStatus {
  /** whether the run is over (its objects are leftovers) */
  over: boolean;
  /** why, for the cleanup's report: one clause, lowercase */
  why: string;
}

export interface StatusContext {
  processes: ProcessTable;
  now: Date;
  /** a run of another host (or of unknown owner) counts as over once older than this, in milliseconds */
  olderThanMs: number;
}

/**
 * Whether a run is over, from its labels. On this host (same host name and, on Linux, same boot
 * and pid namespace): over when its owner process is gone or its pid now belongs to a process
 * started at another time. From another host, or without owner labels (objects of earlier versions
 * carry only the run and project labels): over once older than `olderThanMs`,
 * counted from the run's start label, else from `created` (its oldest object).
 */
export function runStatus(labels: Record<string, string> | undefined, created: Date | undefined, context: StatusContext): RunStatus {
  const owner = ownerOf(labels);
  const startedText = labels?.[STARTED_LABEL];
  const started = startedText && !Number.isNaN(Date.parse(startedText)) ? new Date(startedText) : created;
  const byAge = (who: string): RunStatus => {
    if (!started) return { over: false, why: `${who}, and its age is unknown` };
    const age = context.now.getTime() - started.getTime();
    const limit = formatDuration(context.olderThanMs);
    return age > context.olderThanMs
      ? { over: true, why: `${who}, started ${formatDuration(age)} ago (older than ${limit})` }
      : { over: false, why: `${who}, started ${formatDuration(Math.max(age, 0))} ago (not older than ${limit}; see --older-than)` };
  };
  if (!owner) return byAge('no owner recorded (made by an older compose-netlint)');
  const self = context.processes.self();
  if (owner.host !== self.host) return byAge(`owned by pid ${owner.pid} on host "${owner.host}"`);
  if (owner.pidSpace !== self.pidSpace) return byAge(`owned by pid ${owner.pid} of another pid namespace or boot of host "${owner.host}"`);
  if (owner.pidStart !== undefined) {
    const start = context.processes.startOf(owner.pid);
    if (start === null) return { over: true, why: `its owner process ${owner.pid} is gone` };
    if (start !== undefined && start !== owner.pidStart) return { over: true, why: `its owner process ${owner.pid} is gone (the pid now belongs to a process started later)` };
    if (start !== undefined) return { over: false, why: `its owner process ${owner.pid} is running` };
  }
  return context.processes.exists(owner.pid) ? { over: false, why: `a process ${owner.pid} runs (without /proc a reused pid cannot be told from the owner)` } : { over: true, why: `its owner process ${owner.pid} is gone` };
}

const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** Parses a duration such as `30m`, `2h`, `1h30m`, `90s` or `1d` into milliseconds; undefined when it is not one or is zero. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+[dhms])+$/.test(text)) return undefined;
  let ms = 0;
  for (const [, count, unit] of text.matchAll(/(\d+)([dhms])/g)) ms += Number(count) * UNITS.find(([u]) => u === unit)![1];
  return ms > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

/** A duration in milliseconds as the largest whole units, at most two (`1h30m`, `45s`, `0s`). */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.floor(ms / 1000) * 1000;
  for (const [unit, size] of UNITS) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    } else if (parts.length) break;
  }
  return parts.join('') || '0s';
}
