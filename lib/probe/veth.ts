import { execFile } from 'node:child_process';
import { RUN_LABEL } from './engine';

/**
 * Veth pairs stand in for the physical parents of macvlan and ipvlan networks, so the twin never
 * touches a real interface. A veth cannot carry Docker labels: the run label goes in its alias.
 */

function ip(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ip', args, { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`ip ${args.join(' ')}: ${(stderr || error.message).trim().split('\n')[0]}`));
      else resolve(stdout);
    });
  });
}

/** Creates a veth pair labelled with the run id and returns the end to use as parent. */
export async function createVeth(run: string, index: number): Promise<string> {
  const base = `cnl${run.slice(0, 8)}${index.toString(36)}`;
  const a = `${base}a`;
  const b = `${base}b`;
  await ip(['link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
  try {
    await ip(['link', 'set', 'dev', a, 'alias', `${RUN_LABEL}=${run}`]);
    await ip(['link', 'set', 'dev', b, 'alias', `${RUN_LABEL}=${run}`]);
    await ip(['link', 'set', 'dev', a, 'up']);
    await ip(['link', 'set', 'dev', b, 'up']);
  } catch (error) {
    await ip(['link', 'del', a]).catch(() => undefined);
    throw error;
  }
  return a;
}

/** Veths labelled by a run (or by any run, without an id), by name. */
export async function labelledVeths(run?: string): Promise<string[]> {
  const byRun = await vethsByRun();
  return run === undefined ? [...byRun.values()].flat() : (byRun.get(run) ?? []);
}

/** Every veth that carries a run label, grouped by run id; empty where `ip` cannot list links. */
export async function vethsByRun(): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  let text: string;
  try {
    text = await ip(['-o', 'link', 'show', 'type', 'veth']);
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const m = /^\d+:\s+([^@:\s]+)(?:@\S+)?:.*\balias (\S+)/.exec(line);
    if (!m) continue;
    const [key, value] = m[2].split('=');
    if (key === RUN_LABEL && value) out.set(value, [...(out.get(value) ?? []), m[1]]);
  }
  return out;
}

/** Deletes veths (deleting one end removes its peer); returns the names removed. */
export async function removeVeths(names: string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const name of names) {
    try {
      await ip(['link', 'del', name]);
      removed.push(name);
    } catch {
      // the peer of an end already deleted is gone with it
    }
  }
  return removed;
}
