import { describeRemoved, removeLabelled } from './cleanup';
import { RUN_LABEL, SERVICE_LABEL, type Engine } from './engine';
import { localProcesses, runStatus, type ProcessTable } from './owner';
import { describeRun, listRuns } from './runs';
import type { Twin } from './twin';
import { commandLine } from './util';

export interface CleanupScope {
  /** only this run */
  run?: string;
  /** only runs of this project (the project label) */
  project?: string;
  /** remove runs whether they are over or not */
  all: boolean;
  /** runs of other hosts, or without an owner, count as over once older than this (milliseconds) */
  olderThanMs: number;
}

export interface CleanupIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  processes?: ProcessTable;
  now?: Date;
}

/**
 * `probe --cleanup`: removes the objects of the runs that are over (see runStatus) within the
 * scope, and with `all` of every run in it. Prints a line per run, removed or left and why, then
 * a count, on stdout; removal errors go to stderr. Returns 0, or 2 when something could not be
 * removed. Engine errors reject.
 */
export async function cleanupRuns(engine: Engine, scope: CleanupScope, io: CleanupIo): Promise<number> {
  const context = { processes: io.processes ?? localProcesses, now: io.now ?? new Date(), olderThanMs: scope.olderThanMs };
  const runs = [...(await listRuns(engine, scope.run)).values()].filter((r) => scope.project === undefined || r.project === scope.project).sort((a, b) => (a.created?.getTime() ?? 0) - (b.created?.getTime() ?? 0) || a.run.localeCompare(b.run));
  const where = [scope.run && `run ${scope.run}`, scope.project !== undefined && `project "${scope.project}"`].filter(Boolean).join(', ');
  if (scope.all) io.stderr(`probe: --all removes every run${where ? ` of ${where}` : ''} on this engine, runs still in progress too: those will break\n`);
  if (!runs.length) {
    io.stdout(`no probe run${where ? ` of ${where}` : ''} left anything on this engine\n`);
    return 0;
  }
  let removedRuns = 0;
  let errors = 0;
  for (const r of runs) {
    // a run with no Docker object left (a veth of a run killed in the middle of its teardown) keeps no lease: it is over
    const status =
      r.labels || r.lease || r.containers.length || r.networks.length || r.services.length ? runStatus(r.labels ?? r.lease?.Labels, r.created, context) : { over: true, why: 'only veths are left, and a run keeps its lease until its veths are gone' };
    if (!status.over && !scope.all) {
      io.stdout(`left ${describeRun(r)}: ${status.why}\n`);
      continue;
    }
    const removed = await removeLabelled(engine, r.run);
    removedRuns++;
    io.stdout(`removed ${describeRun(r)}: ${status.over ? status.why : `--all (${status.why})`}; ${describeRemoved(removed)}\n`);
    for (const e of removed.errors) io.stderr(`probe: could not remove ${e}\n`);
    errors += removed.errors.length;
  }
  io.stdout(`removed ${removedRuns} run${removedRuns === 1 ? '' : 's'}, left ${runs.length - removedRuns}\n`);
  return errors ? 2 : 0;
}

/** The command that removes one run's objects once its owner process has ended. */
export function cleanupCommand(run: string): string {
  return `compose-netlint probe --cleanup --run ${run}`;
}

/**
 * Shell commands that remove a kept twin with the docker CLI alone. Swarm services go first and
 * their task containers are waited for (bounded, 60 s), since an overlay network stays in use
 * until its last task has left; then the containers (the lease among them), the networks, and
 * the veths standing in for macvlan/ipvlan parents.
 */
export function dockerRemoval(run: string, twin: Twin): string {
  const label = `label=${RUN_LABEL}=${run}`;
  const steps: string[] = [];
  if (twin.swarmServices.size) {
    steps.push(`docker service rm $(docker service ls -q --filter ${label})`);
    steps.push(`for i in $(seq 60); do [ -z "$(docker ps -aq --filter ${label} --filter label=${SERVICE_LABEL})" ] && break; sleep 1; done`);
  }
  steps.push(`docker rm -f $(docker ps -aq --filter ${label})`);
  if ([...twin.networks.values()].some((n) => n.created && n.id)) steps.push(`docker network rm $(docker network ls -q --filter ${label})`);
  for (const veth of twin.veths) steps.push(commandLine(['ip', 'link', 'del', veth]));
  return steps.join('; ');
}
