import { compareFindings } from '../engine/finding';
import type { NetworkGraph } from '../model/graph';
import type { LoadedProject } from '../source/project';
import { attachSidecars, findProjectContainers, rereadSockets } from './attach';
import type { Engine } from './engine';
import { NO_BANNER } from './outcome';
import { socketFindings, type NamespaceSockets } from './listening';
import { listenPorts } from './plan';
import type { Publishing } from './publish';
import { bringUp } from './real';
import { firstContainer, type Twin } from './twin';
import type { CaseResult, FindingVerdict, ProbeCase, ProbeMode } from './types';
import { checkAborted, sleep } from './util';

/**
 * The probe against the application itself (--attach, --real): where its containers come from, the cases
 * a real application cannot answer, when it is ready, and the findings its socket tables give.
 */

export interface ApplicationContext {
  engine: Engine;
  graph: NetworkGraph;
  project: LoadedProject;
  image: string;
  publishing: Publishing;
  /** --real: seconds to wait for health checks and listeners */
  readyTimeout: number;
  useExternal: boolean;
  signal?: AbortSignal;
  progress: (text: string) => void;
}

/** Raised when there is nothing to attach to. */
export class NothingToProbeError extends Error {}

/**
 * The running containers of the project (--attach; found by Compose's label com.docker.compose.project), and
 * the names of labelled containers whose service the project does not have. Asked before anything is pulled
 * or created, so that a project that is not running is said first. Throws NothingToProbeError when none runs.
 */
export async function runningApplication(engine: Engine, graph: NetworkGraph): Promise<RunningApplication> {
  const { found, unknown } = await findProjectContainers(engine, graph.model.name, new Set(graph.services.keys()));
  if (!found.length) throw new NothingToProbeError(`no running container of project "${graph.model.name}" was found (label com.docker.compose.project=${graph.model.name}); start it with docker compose up, give its name with -p, or use --real`);
  return { found, unknown };
}

export type RunningApplication = Awaited<ReturnType<typeof findProjectContainers>>;

/**
 * Gets the application's containers: `running` (attach; from runningApplication), or those bringUp starts
 * (real); then starts a sidecar in each.
 */
export async function startApplication(ctx: ApplicationContext, mode: Exclude<ProbeMode, 'twin'>, twin: Twin, running?: RunningApplication): Promise<void> {
  let apps;
  if (mode === 'attach') {
    const { found, unknown } = running ?? (await runningApplication(ctx.engine, ctx.graph));
    for (const name of unknown) twin.notes.push(`container "${name}" carries the project's label, but its service is not in the project as read: it is not probed`);
    ctx.progress(`found ${found.length} running container${found.length === 1 ? '' : 's'} of project "${ctx.graph.model.name}"`);
    apps = found;
  } else {
    apps = await bringUp({ engine: ctx.engine, graph: ctx.graph, project: ctx.project, publishing: ctx.publishing, readyTimeout: ctx.readyTimeout, useExternal: ctx.useExternal, signal: ctx.signal, progress: ctx.progress }, twin);
  }
  checkAborted(ctx.signal);
  await attachSidecars({ engine: ctx.engine, graph: ctx.graph, image: ctx.image, signal: ctx.signal, progress: ctx.progress }, twin, apps);
}

/** Why a UDP case is not probed against an application: an application need not answer a datagram, so silence proves nothing. */
export const UDP_APPLICATION_SKIP = 'an application need not answer a datagram: UDP listeners are read from the socket tables instead';

/** Marks the cases a real application cannot answer (UDP, which the twin's echo listeners made probeable) as not probed. */
export function applicationCases(cases: ProbeCase[]): void {
  for (const c of cases) if (!c.skip && c.target.via !== 'name' && c.target.protocol === 'udp') c.skip = UDP_APPLICATION_SKIP;
}

/**
 * Reads every namespace's socket tables; with `waitSeconds`, again every half second until each service's
 * declared TCP ports have a listener (on any address) or the time is up, so a slow application is read
 * once it listens. Returns the last tables, by namespace owner.
 */
export async function settledSockets(ctx: Pick<ApplicationContext, 'engine' | 'graph' | 'signal'>, twin: Twin, waitSeconds: number): Promise<Map<string, NamespaceSockets>> {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    const tables = await rereadSockets(ctx.engine, twin, ctx.graph, ctx.signal);
    const missing = [...tables].filter(([service, t]) => listenPorts(ctx.graph.services.get(service)!).some((p) => p.protocol === 'tcp' && !t.listeners.some((l) => l.protocol === 'tcp' && l.port === p.port)));
    if (!missing.length || Date.now() >= deadline) return tables;
    await sleep(500, ctx.signal);
  }
}

/**
 * Sets each result's `from`: the host, or the container the case was probed from (the application container a
 * sidecar joined); and says of a connection accepted without the twin's banner what it is here: the application's.
 */
export function markSources(results: CaseResult[], twin: Twin): void {
  for (const r of results) {
    for (const o of r.tries) if (r.case.kind === 'tcp' && o.detail === NO_BANNER) o.detail = 'connected: the application accepted';
    if (r.case.source === 'host') r.from = 'host';
    else {
      const c = firstContainer(twin, r.case.source);
      if (c) r.from = c.probes ?? c.name;
    }
  }
}

/**
 * The verdicts of an application run: the lint findings' verdicts, each naming the containers its
 * probes ran from and the socket finding on the same subject, if any, and the socket findings, confirmed by
 * the socket table they were read in; sorted by file, line, column and rule id.
 */
export function applicationVerdicts(graph: NetworkGraph, tables: ReadonlyMap<string, NamespaceSockets>, verdicts: FindingVerdict[], results: CaseResult[]): FindingVerdict[] {
  const sockets = socketFindings(graph, tables);
  const byId = new Map(results.map((r) => [r.case.id, r]));
  const subjectKey = (s: FindingVerdict['finding']['subject']): string | undefined => (s ? JSON.stringify(s) : undefined);
  const lint = verdicts.map((v) => {
    const from = [...new Set(v.cases.map((id) => byId.get(id)?.from).filter((f): f is string => f !== undefined))];
    const key = subjectKey(v.finding.subject);
    const also = key ? sockets.filter((s) => subjectKey(s.finding.subject) === key) : [];
    let reason = v.reason;
    if (from.length) reason += `; probed from ${from.map((f) => (f === 'host' ? 'the host' : `"${f}"`)).join(', ')}`;
    if (also.length) reason += `; the socket table of "${also[0].container}" shows ${also.map((s) => s.finding.ruleId).join(', ')} at the same place`;
    return { ...v, reason };
  });
  const observed = sockets.map((s): FindingVerdict => ({
    finding: s.finding,
    verdict: 'confirmed',
    reason: `read in the socket tables (/proc/net/tcp, tcp6, udp, udp6) of "${s.container}" through a sidecar in its namespace`,
    cases: [],
  }));
  return [...lint, ...observed].sort((a, b) => compareFindings(a.finding, b.finding));
}
