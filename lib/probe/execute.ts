import type { NetworkGraph } from '../model/graph';
import { foreignAnswer } from './collide';
import { execIn, type Engine } from './engine';
import { hostConnect, hostTcp, hostUdp, isLoopback } from './host';
import { classifyDns, classifyTcp, classifyUdp, parseRunnerOutput } from './outcome';
import { RUNNER, RUNNER_PARALLEL, shArgv, type Tool } from './scripts';
import { firstContainer, type Twin, type TwinContainer } from './twin';
import type { CaseResult, Observation, ProbeCase } from './types';
import { checkAborted, commandLine, errorLine, mapLimit } from './util';

export interface ExecuteContext {
  engine: Engine;
  twin: Twin;
  graph: NetworkGraph;
  tools: ReadonlySet<Tool>;
  /** seconds per probe */
  timeout: number;
  concurrency: number;
  /** tries in all for a cell that disagrees (1 + retries) */
  tries: number;
  signal?: AbortSignal;
  progress: (text: string) => void;
  /** cases a failed control makes unprobeable: they are not probed, with this reason */
  broken?: Map<number, string>;
  /** attach and real modes: the host probes reach applications, which send no twin banner (host.ts hostConnect) */
  application?: boolean;
}

/** A case made concrete: the container that runs it and the argv tuple it gets. */
interface Bound {
  case: ProbeCase;
  container?: TwinContainer;
  kind: 'dns' | 'tcp' | 'udp' | 'host-tcp' | 'host-udp';
  target: string;
  port: number;
}

/** Every address the twin owns: the only places besides loopback a probe may be sent. */
export function twinAddresses(twin: Twin): Set<string> {
  const out = new Set<string>();
  for (const c of twin.containers) for (const a of c.addresses.values()) out.add(a);
  for (const s of twin.swarmServices.values()) for (const v of s.vips.values()) out.add(v);
  return out;
}

/** Which service owns an address of the twin. */
function addressOwners(twin: Twin): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of twin.containers) if (!c.joins) for (const a of c.addresses.values()) out.set(a, c.service);
  for (const [service, s] of twin.swarmServices) for (const v of s.vips.values()) out.set(v, service);
  return out;
}

/** A case whose observation is known without running it (the engine bound no host port for it). */
interface Settled {
  case: ProbeCase;
  observed: Observation;
}

/** The probe's target, concrete: a bound case to run, a settled one, or the reason it cannot be probed. */
function bindCase(ctx: ExecuteContext, c: ProbeCase, allowed: Set<string>): Bound | Settled | string {
  const { twin } = ctx;
  if (c.skip) return c.skip;
  const t = c.target;
  const destination = t.via === 'name' ? undefined : t.service;
  if (destination && twin.excluded.has(destination)) return `"${destination}" has no twin: ${twin.excluded.get(destination)}`;
  // a name names its target: the services the graph says it resolves to, or the service of that name
  const named = t.via === 'name' ? [...(c.expectServices ?? []), t.name].find((s) => twin.excluded.has(s)) : undefined;
  if (named) return `"${named}" has no twin: ${twin.excluded.get(named)}`;
  if (c.source === 'host') {
    if (t.via !== 'host') return 'nothing to probe';
    if (!isLoopback(t.address)) return `${t.address} is not a loopback address`;
    const port = t.ephemeralFor === undefined ? t.port : pickedHostPort(ctx, c, t);
    if (typeof port !== 'number') return port;
    return { case: c, kind: t.protocol === 'udp' ? 'host-udp' : 'host-tcp', target: t.address, port };
  }
  if (twin.excluded.has(c.source)) return `"${c.source}" has no twin: ${twin.excluded.get(c.source)}`;
  const container = firstContainer(twin, c.source);
  if (!container) return `"${c.source}" has no running container`;
  if (t.via === 'name') return { case: c, container, kind: 'dns', target: t.name, port: 0 };
  if (t.via === 'loopback') return { case: c, container, kind: t.protocol === 'udp' ? 'udp' : 'tcp', target: '127.0.0.1', port: t.port };
  if (t.via === 'service') {
    const dest = firstContainer(twin, t.service);
    if (!dest) return `"${t.service}" has no running container`;
    const address = (t.network && dest.addresses.get(t.network)) ?? [...dest.addresses.values()][0];
    if (!address) return `"${t.service}" has no address${t.network ? ` on "${t.network}"` : ''}`;
    if (!allowed.has(address)) return `${address} is not an address of the twin`;
    return { case: c, container, kind: t.protocol === 'udp' ? 'udp' : 'tcp', target: address, port: t.port };
  }
  return 'nothing to probe';
}

type HostTarget = Extract<ProbeCase['target'], { via: 'host' }>;

/**
 * The host port the engine picked for a bare container port (`ports: ["80"]`), or for one port of a host
 * range (`t.replica`'s), as the twin read it after start: the replica's binding on the probed address (or
 * the wildcard of its family: Docker binds 0.0.0.0 and :: to different ports). A stack twin publishes
 * nothing (publish.ts), so it is not asked.
 * No binding at all on a running container is an observation (the port is not published: an internal
 * network, say); a container or inspect that is missing makes the case unprobeable.
 */
function pickedHostPort(ctx: ExecuteContext, c: ProbeCase, t: HostTarget): number | Settled | string {
  const key = `${t.ephemeralFor}/${t.protocol}`;
  const none = (what: string): Settled => ({ case: c, observed: { outcome: 'refused', reach: 'blocked', detail: `${what} bound no host port for ${key}` } });
  const container = t.replica ? ctx.twin.containers.find((x) => x.service === t.service && x.replica === t.replica && x.running && x.id) : firstContainer(ctx.twin, t.service);
  if (!container) return t.replica ? `replica ${t.replica} of "${t.service}" does not run` : `"${t.service}" has no running container`;
  if (!container.hostPorts) return `the host ports of "${t.service}" could not be read`;
  const v6 = t.address.includes(':');
  const family = (b: { hostIp: string }): boolean => b.hostIp.includes(':') === v6 || b.hostIp === '';
  const bound = (container.hostPorts.get(key) ?? []).filter(family);
  const wildcard = (b: { hostIp: string }): boolean => b.hostIp === '' || b.hostIp === (v6 ? '::' : '0.0.0.0');
  return (bound.find((b) => b.hostIp === t.address) ?? bound.find(wildcard) ?? bound[0])?.port ?? none('the engine');
}

function reproduce(ctx: ExecuteContext, b: Bound): string {
  const T = String(ctx.timeout);
  const name = b.container?.name ?? '';
  switch (b.kind) {
    case 'dns':
      return commandLine(['docker', 'exec', name, 'nslookup', b.target]);
    case 'tcp':
      if (ctx.application)
        return ctx.tools.has('socat')
          ? commandLine(['docker', 'exec', name, 'socat', '-u', '/dev/null', `TCP:${b.target}:${b.port},connect-timeout=${T}`])
          : `${commandLine(['docker', 'exec', name, 'nc', '-w', '1', b.target, String(b.port)])} </dev/null`;
      return ctx.tools.has('socat') ? commandLine(['docker', 'exec', name, 'socat', '-u', `TCP:${b.target}:${b.port},connect-timeout=${T}`, 'STDOUT']) : commandLine(['docker', 'exec', name, 'nc', '-w', T, b.target, String(b.port)]);
    case 'udp':
      return `echo ping | ${commandLine(['docker', 'exec', '-i', name, 'socat', '-t', T, '-', `UDP:${b.target}:${b.port}`])}`;
    case 'host-tcp':
      return `${commandLine(['nc', '-w', T, b.target, String(b.port)])} </dev/null`;
    case 'host-udp':
      return `echo ping | ${commandLine(['nc', '-u', '-w', T, b.target, String(b.port)])}`;
  }
}

/** Runs one round: one exec per source container (bounded concurrency), host probes from this process. */
async function round(ctx: ExecuteContext, bound: Bound[]): Promise<Map<number, Observation>> {
  const out = new Map<number, Observation>();
  const bySource = new Map<TwinContainer, Bound[]>();
  const fromHost: Bound[] = [];
  for (const b of bound) {
    if (!b.container) fromHost.push(b);
    else bySource.set(b.container, [...(bySource.get(b.container) ?? []), b]);
  }
  const batches = [...bySource.entries()];
  const T = ctx.timeout;
  await Promise.all([
    mapLimit(batches, ctx.concurrency, async ([container, list]) => {
      checkAborted(ctx.signal);
      const args = [String(T), 'c', 'tcp', '127.0.0.1', String(container.controlPort)];
      for (const b of list) args.push(String(b.case.id), ctx.application && b.kind === 'tcp' ? 'connect' : b.kind, b.target, String(b.port));
      const waves = Math.ceil((list.length + 1) / RUNNER_PARALLEL);
      let raw: Map<string, { exit: number; text: string }>;
      try {
        const result = await execIn(ctx.engine.docker, container.id!, shArgv(RUNNER, 'cnl-probe', args), (T + 2) * waves * 1000 + 10_000, ctx.signal);
        if (result.timedOut) throw new Error('the batch did not finish in time');
        raw = parseRunnerOutput(result.stdout);
      } catch (error) {
        for (const b of list) out.set(b.case.id, { outcome: 'failed', reach: 'failed', detail: `exec in ${container.name} failed: ${errorLine(error)}` });
        return;
      }
      const control = raw.get('c');
      const controlObs = control ? classifyTcp(control) : undefined;
      if (!controlObs || controlObs.outcome !== 'ok') {
        for (const b of list) out.set(b.case.id, { outcome: 'failed', reach: 'failed', detail: `control probe failed (${controlObs?.detail ?? 'no output'}): the probe environment is broken` });
        return;
      }
      for (const b of list) {
        const r = raw.get(String(b.case.id));
        if (!r) out.set(b.case.id, { outcome: 'failed', reach: 'failed', detail: 'no result from the batch' });
        else if (b.kind === 'dns') out.set(b.case.id, classifyDns(r));
        else if (b.kind === 'udp') out.set(b.case.id, classifyUdp(r, String(b.case.id)));
        else out.set(b.case.id, classifyTcp(r));
      }
    }),
    mapLimit(fromHost, 16, async (b) => {
      checkAborted(ctx.signal);
      if (ctx.application) return void out.set(b.case.id, b.kind === 'host-udp' ? await hostUdp(b.target, b.port, T, String(b.case.id)) : await hostConnect(b.target, b.port, T));
      let o = b.kind === 'host-udp' ? await hostUdp(b.target, b.port, T, String(b.case.id)) : await hostTcp(b.target, b.port, T);
      const owner = b.case.target.via === 'host' ? b.case.target.service : undefined;
      // an answer from another run, or on a port this twin never held, tells nothing about this twin
      const foreign = b.case.target.via === 'host' ? foreignAnswer(ctx.twin, ctx.graph, { ...b.case.target, port: b.port }, o) : undefined;
      if (foreign) o = { ...o, outcome: 'failed', reach: 'failed', detail: foreign };
      // a port answered by another service of the twin is not this service's mapping
      else if (o.answeredBy && owner && o.answeredBy !== owner) o = { ...o, outcome: 'refused', reach: 'blocked', detail: `the port is held by ${o.answeredBy}, not ${owner}` };
      out.set(b.case.id, o);
    }),
  ]);
  return out;
}

/** Whether an observation matches the case's prediction; undefined when the probe failed. */
export function judge(c: ProbeCase, o: Observation, owners: Map<string, string>): { agrees?: boolean; note?: string } {
  if (o.reach === 'failed') return {};
  const reachable = o.reach === 'reachable';
  if (reachable !== c.expect) return { agrees: false };
  if (c.kind === 'dns' && reachable && c.expectServices?.length && o.addresses?.length) {
    const seen = [...new Set(o.addresses.map((a) => owners.get(a)).filter((s): s is string => s !== undefined))];
    if (seen.length && !seen.some((s) => c.expectServices!.includes(s))) return { agrees: false, note: `resolved to ${seen.join(', ')}, the graph says ${c.expectServices.join(', ')}` };
  }
  // the graph expects an address outside the project (an extra_hosts line shadows the name): a twin container's address disagrees
  if (c.kind === 'dns' && reachable && c.expectServices?.length === 0 && o.addresses?.length) {
    const seen = [...new Set(o.addresses.map((a) => owners.get(a)).filter((s): s is string => s !== undefined))];
    if (seen.length) return { agrees: false, note: `resolved to ${seen.join(', ')}, the graph says an address outside the project` };
  }
  return { agrees: true };
}

/**
 * What a cell's tries (first to last) come to: `final` is the last try that observed something (the last
 * try when none did), `agrees` its judgment when every observing try judged alike, and `flaky` when some
 * agreed and some disagreed. A try whose probe failed observed nothing: a disagreement seen on every other
 * try stays a disagreement (issue 13, cause 13), and a cell every try of which failed is failed, not flaky.
 */
export function settle(c: ProbeCase, tries: Observation[], owners: Map<string, string>): Pick<CaseResult, 'final' | 'agrees' | 'flaky'> {
  const judged = tries.map((o) => ({ o, ...judge(c, o, owners) }));
  const observing = judged.filter((j) => j.agrees !== undefined);
  if (!observing.length) return { final: tries[tries.length - 1], agrees: undefined, flaky: false };
  const last = observing[observing.length - 1];
  const final = last.note ? { ...last.o, detail: `${last.o.detail}; ${last.note}` } : last.o;
  if (new Set(observing.map((j) => j.agrees)).size > 1) return { final, agrees: undefined, flaky: true };
  return { final, agrees: last.agrees, flaky: false };
}

/** `running 24 probes from 5 sources`, or with cases settled without running, their total first (the summary's count) and why. */
export function progressLine(running: number, sources: number, settled: string[]): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (!settled.length) return `running ${plural(running, 'probe')} from ${plural(sources, 'source')}`;
  return `${plural(running + settled.length, 'probe')}: running ${running} from ${plural(sources, 'source')}; ${settled.length} settled without running (${[...new Set(settled)].join('; ')})`;
}

/** Runs every case, retries the ones that disagree or fail, and judges them. */
export async function executeCases(ctx: ExecuteContext, cases: ProbeCase[]): Promise<CaseResult[]> {
  const allowed = twinAddresses(ctx.twin);
  const owners = addressOwners(ctx.twin);
  const results = new Map<number, CaseResult>();
  const runnable: Bound[] = [];
  // cases observed without running: they count among the probes as the summary counts them
  const settled: string[] = [];
  for (const c of cases) {
    const b = bindCase(ctx, c, allowed);
    if (typeof b === 'string') {
      if (!c.skip) c.skip = b;
      results.set(c.id, { case: c, tries: [] });
      continue;
    }
    // a case a failed control rules out is not probed, with the control's reason: it is no probe failure
    const broken = ctx.broken?.get(c.id);
    if (broken) {
      c.skip = broken;
      results.set(c.id, { case: c, tries: [], ...('observed' in b ? {} : { reproduce: reproduce(ctx, b) }) });
      continue;
    }
    if ('observed' in b) {
      results.set(c.id, { case: c, tries: [b.observed] });
      settled.push(b.observed.detail);
      continue;
    }
    results.set(c.id, { case: c, tries: [], reproduce: reproduce(ctx, b) });
    runnable.push(b);
  }
  const sources = new Set(runnable.map((b) => b.container?.name ?? 'host')).size;
  ctx.progress(progressLine(runnable.length, sources, settled));
  let pending = runnable;
  for (let attempt = 1; attempt <= ctx.tries && pending.length; attempt++) {
    checkAborted(ctx.signal);
    if (attempt > 1) ctx.progress(`probing ${pending.length} cell${pending.length === 1 ? '' : 's'} again (try ${attempt} of ${ctx.tries})`);
    const observed = await round(ctx, pending);
    const again: Bound[] = [];
    for (const b of pending) {
      const r = results.get(b.case.id)!;
      const o = observed.get(b.case.id) ?? { outcome: 'failed', reach: 'failed', detail: 'not run' };
      r.tries.push(o);
      const verdict = judge(b.case, o, owners);
      if (verdict.agrees !== true) again.push(b);
    }
    pending = again;
  }
  for (const r of results.values()) if (r.tries.length) Object.assign(r, settle(r.case, r.tries, owners));
  return cases.map((c) => results.get(c.id)!);
}
