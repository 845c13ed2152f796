import type { Engine } from './engine';
import { errorLine } from './util';

/**
 * What an application container that stopped left behind, for the report (--real, --attach): its exit code
 * and its last log lines, bounded so one chatty container cannot flood the report.
 */

/** How many log lines, how many characters of each, and how many in all, the report quotes. */
export const LOG_TAIL = { lines: 5, lineChars: 160, totalChars: 600 } as const;

/**
 * Strips Docker's 8-byte stream headers from the logs of a container without a TTY (GET /containers/{id}/logs:
 * one byte stream type, three zero bytes, a big-endian uint32 size, then that many bytes). A TTY container's logs
 * have no headers: pass `tty` and the text is returned as it is.
 */
export function demuxLogs(buffer: Buffer, tty = false): string {
  if (tty) return buffer.toString('utf8');
  const parts: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(i + 4);
    parts.push(buffer.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

/**
 * The last lines of a log text within LOG_TAIL: at most `lines` non-empty lines, each cut to `lineChars`
 * (with "…"), the oldest dropped first while the lines together exceed `totalChars`. Control characters
 * (ANSI colours, carriage returns) are removed so each line prints as one line.
 */
export function lastLines(text: string, bounds: { lines: number; lineChars: number; totalChars: number } = LOG_TAIL): string[] {
  const clean = (l: string): string => {
    const t = l
      .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
      .replace(/[\x00-\x1f\x7f]/g, ' ')
      .trimEnd();
    return t.length > bounds.lineChars ? `${t.slice(0, bounds.lineChars - 1)}…` : t;
  };
  const lines = text
    .split('\n')
    .map(clean)
    .filter((l) => l.trim() !== '')
    .slice(-bounds.lines);
  while (lines.length > 1 && lines.reduce((n, l) => n + l.length, 0) > bounds.totalChars) lines.shift();
  return lines;
}

/**
 * Why an application container is not running: `state` says how it stopped (`exited with code 3`, from Docker's
 * State.Status, State.ExitCode and State.OOMKilled of GET /containers/{id}/json), `logs` its last log lines
 * within LOG_TAIL (GET /containers/{id}/logs?tail=N) as `last log lines: "a" | "b"`, `it logged nothing`, or why
 * they cannot be read (never thrown). Undefined while it runs.
 */
export async function stoppedContainer(engine: Engine, id: string): Promise<{ state: string; logs: string } | undefined> {
  const container = engine.docker.getContainer(id);
  const info = await container.inspect();
  if (info.State.Running) return undefined;
  const how = info.State.Status === 'exited' ? `exited with code ${info.State.ExitCode}` : `is ${info.State.Status}${info.State.ExitCode ? ` (exit code ${info.State.ExitCode})` : ''}`;
  const state = `${how}${info.State.OOMKilled ? ', killed for lack of memory' : ''}`;
  try {
    const raw = (await container.logs({ stdout: true, stderr: true, follow: false, tail: LOG_TAIL.lines * 4 })) as unknown as Buffer;
    const lines = lastLines(demuxLogs(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)), info.Config.Tty));
    return { state, logs: lines.length ? `last log lines: ${lines.map((l) => JSON.stringify(l)).join(' | ')}` : 'it logged nothing' };
  } catch (error) {
    return { state, logs: `its logs cannot be read (${errorLine(error)})` };
  }
}
