import * as fs from 'node:fs';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { projectConfig } from '../config';
import type { NetworkGraph } from '../model/graph';
import type { LoadedProject } from '../source/project';
import { parseDependsOn } from '../syntax/compose';
import type { AppContainer } from './attach';
import { REPLICA_LABEL, SERVICE_LABEL, type Engine } from './engine';
import type { Publishing } from './publish';
import { bindFailure, brokenNetwork, buildablePart, exposeInto, createNetworks, createdNetworksLine, endpointConfig, orderedAttachments, portBindings, twinReplicas, type Twin } from './twin';
import { checkAborted, dockerSafe, errorLine, sleep } from './util';

/**
 * Real mode: the project's own images come up through dockerode as `docker compose up` would bring them,
 * on networks and with labels of the run, so the run's teardown (cleanup.ts) removes all of it.
 */

/** The keys of a service that --real passes to the engine; every other key present is named in the notes. */
export const REPRODUCED_KEYS: ReadonlySet<string> = new Set([
  'image',
  'build',
  'command',
  'entrypoint',
  'environment',
  'env_file',
  'volumes',
  'working_dir',
  'user',
  'healthcheck',
  'depends_on',
  'networks',
  'network_mode',
  'ports',
  'expose',
  'hostname',
  'container_name',
  'labels',
  'extra_hosts',
  'scale',
  'deploy',
  'profiles',
]);

/** What --real did not reproduce of each service, one note a key, sorted by service and key. */
export function unreproduced(services: Record<string, Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const name of Object.keys(services).sort()) {
    for (const key of Object.keys(services[name]).sort()) if (!REPRODUCED_KEYS.has(key)) out.push(`--real does not reproduce "${key}" of "${name}"`);
    const deploy = services[name].deploy as Record<string, unknown> | undefined;
    for (const key of Object.keys(deploy ?? {}).sort()) if (key !== 'replicas' && key !== 'mode') out.push(`--real does not reproduce "deploy.${key}" of "${name}"`);
  }
  return out;
}

/**
 * Splits a command given as one string into words as Compose does (compose-go uses mattn/go-shellwords):
 * blanks separate words, single quotes keep everything, double quotes keep all but `\"` and `\\`, and a
 * backslash outside quotes escapes the next character. No expansion is done.
 */
export function shellWords(text: string): string[] {
  const out: string[] = [];
  let word = '';
  let started = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      started = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      started = true;
    } else if (/\s/.test(c)) {
      if (started) out.push(word);
      word = '';
      started = false;
    } else {
      word += c;
      started = true;
    }
  }
  if (started) out.push(word);
  return out;
}

function words(value: unknown): string[] | undefined {
  if (typeof value === 'string') return shellWords(value);
  if (Array.isArray(value)) return value.map(String);
  return undefined;
}

/** A Compose duration (`1m30s`, `500ms`, `2h`) in nanoseconds, as the engine's healthcheck takes it; undefined when it is not one. */
export function durationNs(text: unknown): number | undefined {
  if (typeof text === 'number') return text * 1e9;
  if (typeof text !== 'string' || !/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  const unit: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let ns = 0;
  for (const [, n, , u] of text.matchAll(/(\d+(\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ns += Number(n) * unit[u];
  return Math.round(ns);
}

/** The engine's Healthcheck for a service's `healthcheck` mapping (compose-go types.HealthCheckConfig). */
export function healthcheckConfig(h: Record<string, unknown> | undefined): Docker.HealthConfig | undefined {
  if (!h) return undefined;
  if (h.disable === true) return { Test: ['NONE'] };
  const test = typeof h.test === 'string' ? ['CMD-SHELL', h.test] : Array.isArray(h.test) ? h.test.map(String) : undefined;
  const out: Docker.HealthConfig = {};
  if (test) out.Test = test;
  const interval = durationNs(h.interval);
  const timeout = durationNs(h.timeout);
  const start = durationNs(h.start_period);
  if (interval) out.Interval = interval;
  if (timeout) out.Timeout = timeout;
  if (start) out.StartPeriod = start;
  if (typeof h.retries === 'number') out.Retries = h.retries;
  return out;
}

/**
 * A service's volumes as mounts: bind mounts read-only (the run must not write the user's files), named and
 * anonymous volumes as fresh anonymous volumes (removed with the container), tmpfs as tmpfs. Notes say so.
 */
export function mountsFor(service: string, volumes: unknown, notes: string[]): Docker.MountSettings[] {
  const out: Docker.MountSettings[] = [];
  for (const v of Array.isArray(volumes) ? (volumes as Record<string, unknown>[]) : []) {
    const target = typeof v.target === 'string' ? v.target : undefined;
    if (!target) continue;
    if (v.type === 'bind' && typeof v.source === 'string') {
      out.push({ Type: 'bind', Source: v.source, Target: target, ReadOnly: true });
      if (v.read_only !== true) notes.push(`--real mounts "${v.source}" of "${service}" read-only: the run never writes the project's files`);
    } else if (v.type === 'volume') {
      out.push({ Type: 'volume', Target: target, ReadOnly: v.read_only === true } as Docker.MountSettings);
      if (typeof v.source === 'string') notes.push(`--real gives "${service}" a fresh anonymous volume at "${target}" instead of volume "${v.source}"`);
    } else if (v.type === 'tmpfs') out.push({ Type: 'tmpfs', Target: target } as Docker.MountSettings);
    else notes.push(`--real does not reproduce the ${String(v.type)} volume at "${target}" of "${service}"`);
  }
  return out;
}

/** Every file under a build context, relative to it, for the engine's build (dockerode packs them with tar-fs). */
function contextFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[]).filter((d) => d.isFile()).map((d) => path.relative(dir, path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name)));
}

/** Builds a service's `build:` context, tagged and labelled for the run; resolves to the tag. */
async function buildImage(engine: Engine, twin: Twin, service: string, build: Record<string, unknown>, signal?: AbortSignal): Promise<string> {
  const context = String(build.context);
  const tag = `cnl-${twin.run}-${dockerSafe(twin.project)}-${dockerSafe(service)}`.toLowerCase();
  const stream = await engine.docker.buildImage({ context, src: contextFiles(context) }, { t: tag, dockerfile: typeof build.dockerfile === 'string' ? build.dockerfile : 'Dockerfile', labels: twin.labels, rm: true, forcerm: true });
  const out = await new Promise<{ error?: string }[]>((resolve, reject) => {
    const onAbort = (): void => reject(new Error('interrupted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    engine.docker.modem.followProgress(stream, (error, result) => {
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(result as { error?: string }[]);
    });
  });
  const failed = out.find((m) => m.error);
  if (failed) throw new Error(failed.error);
  return tag;
}

/** The image a service's containers run: built from `build:`, or `image` as present on the engine (--real never pulls). */
async function imageFor(engine: Engine, twin: Twin, name: string, config: Record<string, unknown>, progress: (t: string) => void, signal?: AbortSignal): Promise<string> {
  if (config.build && typeof config.build === 'object') {
    progress(`building the image of "${name}"`);
    return buildImage(engine, twin, name, config.build as Record<string, unknown>, signal);
  }
  const image = typeof config.image === 'string' ? config.image : undefined;
  if (!image) throw new Error(`"${name}" has neither image nor build`);
  try {
    await engine.docker.getImage(image).inspect();
  } catch {
    throw new Error(`image "${image}" of "${name}" is not on the engine, and --real does not pull: pull or build it first`);
  }
  return image;
}

/** What bringing the project up needs. */
export interface RealOptions {
  engine: Engine;
  graph: NetworkGraph;
  project: LoadedProject;
  publishing: Publishing;
  /** seconds to wait for health and listeners */
  readyTimeout: number;
  useExternal: boolean;
  signal?: AbortSignal;
  progress: (text: string) => void;
}

interface Started {
  app: AppContainer;
  healthcheck: boolean;
}

/** Polls a container until `ok` says yes, or the deadline passes; returns the last state's words. */
async function waitFor(engine: Engine, id: string, deadline: number, ok: (s: Docker.ContainerInspectInfo['State']) => boolean | string, signal?: AbortSignal): Promise<true | string> {
  for (;;) {
    checkAborted(signal);
    const state = (await engine.docker.getContainer(id).inspect()).State;
    const answer = ok(state);
    if (answer === true) return true;
    if (typeof answer === 'string') return answer;
    if (Date.now() >= deadline) return `${state.Status}${state.Health ? `, ${state.Health.Status}` : ''} after the ready timeout`;
    await sleep(250, signal);
  }
}

/**
 * Brings the project up: its networks (as the twin creates them), then each service's containers in start
 * order, each once its `depends_on` conditions hold (service_started, service_healthy,
 * service_completed_successfully), all within `readyTimeout` seconds. Returns the containers started; what
 * failed is in `twin.events` and `twin.excluded`, what was not reproduced in `twin.notes`.
 */
export async function bringUp(options: RealOptions, twin: Twin): Promise<AppContainer[]> {
  const { engine, graph } = options;
  const config = projectConfig(options.project).config as { services?: Record<string, Record<string, unknown>> };
  const services = config.services ?? {};
  twin.notes.push(...unreproduced(services));
  twin.notes.push("--real points the containers' DNS at their own loopback: names outside the project do not resolve, so no lookup leaves the machine");
  const { buildable, keys } = buildablePart(graph, twin);
  await createNetworks({ engine, graph, run: twin.run, image: '', useExternal: options.useExternal, publishing: options.publishing, signal: options.signal, progress: options.progress }, twin, keys, false);
  options.progress(createdNetworksLine(twin, 'network'));
  const deadline = Date.now() + options.readyTimeout * 1000;
  const started = new Map<string, Started[]>();
  const ordered = graph.startOrder().filter((s) => buildable.includes(s));
  for (const name of ordered) {
    checkAborted(options.signal);
    const service = graph.services.get(name)!;
    const conf = services[name] ?? {};
    const ns = graph.namespace(name);
    const broken = brokenNetwork(graph, twin, name);
    if (broken) {
      twin.excluded.set(name, broken);
      continue;
    }
    const waited = await dependencies(options, conf, started, deadline);
    if (waited) {
      twin.excluded.set(name, waited);
      continue;
    }
    let image: string;
    try {
      image = await imageFor(engine, twin, name, conf, options.progress, options.signal);
    } catch (error) {
      checkAborted(options.signal);
      twin.excluded.set(name, errorLine(error));
      twin.events.push({ kind: 'create-failed', service: name, message: `"${name}": ${errorLine(error)}` });
      continue;
    }
    const { built } = twinReplicas(service);
    const list: Started[] = [];
    started.set(name, list);
    for (let replica = 1; replica <= built; replica++) {
      const app = await startContainer(options, twin, name, conf, image, replica, started.get(ns.owner)?.[0]?.app.id);
      if (app) list.push({ app, healthcheck: Boolean(conf.healthcheck) && (conf.healthcheck as Record<string, unknown>).disable !== true });
    }
    if (!list.length) twin.excluded.set(name, [...twin.events].reverse().find((e) => e.service === name)?.message ?? 'its container did not start');
  }
  // health: every container with a healthcheck, within what is left of the bound
  for (const list of started.values()) {
    for (const s of list) {
      if (!s.healthcheck) continue;
      const r = await waitFor(engine, s.app.id, deadline, (st) => st.Health?.Status === 'healthy' || (!st.Running ? `${st.Status} (exit ${st.ExitCode})` : false), options.signal);
      if (r !== true) twin.notes.push(`${s.app.name} (${s.app.service}) was not healthy: ${r}`);
    }
  }
  return [...started.values()].flat().map((s) => s.app);
}

/** Waits for the `depends_on` conditions of a service; returns why it cannot start, or undefined. */
async function dependencies(options: RealOptions, conf: Record<string, unknown>, started: Map<string, Started[]>, deadline: number): Promise<string | undefined> {
  for (const dep of parseDependsOn(conf.depends_on)) {
    const list = started.get(dep.service) ?? [];
    if (!list.length) {
      if (dep.required) return `it depends on "${dep.service}", which did not start`;
      continue;
    }
    for (const s of list) {
      const ok =
        dep.condition === 'service_healthy'
          ? (st: Docker.ContainerInspectInfo['State']) => st.Health?.Status === 'healthy' || (!st.Running ? `"${dep.service}" stopped (${st.Status})` : st.Health ? false : `"${dep.service}" has no healthcheck`)
          : dep.condition === 'service_completed_successfully'
            ? (st: Docker.ContainerInspectInfo['State']) => (st.Status === 'exited' ? (st.ExitCode === 0 ? true : `"${dep.service}" exited with ${st.ExitCode}`) : false)
            : (st: Docker.ContainerInspectInfo['State']) => st.Running || st.Status === 'exited' || `"${dep.service}" is ${st.Status}`;
      const r = await waitFor(options.engine, s.app.id, deadline, ok, options.signal);
      if (r !== true && dep.required) return `depends_on "${dep.service}" (${dep.condition}) did not hold: ${r}`;
    }
  }
  return undefined;
}

/** Creates and starts one container of a service; `ownerId` is the first container of the service whose namespace it joins. */
async function startContainer(options: RealOptions, twin: Twin, name: string, conf: Record<string, unknown>, image: string, replica: number, ownerId?: string): Promise<AppContainer | undefined> {
  const { engine, graph } = options;
  const service = graph.services.get(name)!;
  const ns = graph.namespace(name);
  const networks = ns.kind === undefined && ns.joins === undefined ? orderedAttachments(graph, name) : [];
  let networkMode: string;
  if (ns.joins !== undefined) {
    if (!ownerId) {
      twin.events.push({ kind: 'create-failed', service: name, replica, message: `"${name}" joins "${ns.owner}", whose container is not running` });
      return undefined;
    }
    networkMode = `container:${ownerId}`;
  } else if (ns.kind === 'host' || ns.kind === 'none' || ns.kind === 'bridge') networkMode = ns.kind;
  else networkMode = twin.networks.get(networks[0])?.dockerName ?? 'none';
  const environment = Object.entries((conf.environment ?? {}) as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`);
  const labels = Object.fromEntries(Object.entries((conf.labels ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  const ports = portBindings(name, options.publishing, new Set());
  exposeInto(ports.exposed, service);
  const extraHosts = Array.isArray(conf.extra_hosts) ? conf.extra_hosts.map(String) : Object.entries((conf.extra_hosts ?? {}) as Record<string, unknown>).map(([h, a]) => `${h}:${String(a)}`);
  const hostConfig: Record<string, unknown> = {
    NetworkMode: networkMode,
    PortBindings: ports.bindings,
    Mounts: mountsFor(name, conf.volumes, replica === 1 ? twin.notes : []),
    Privileged: false,
    RestartPolicy: { Name: 'no' },
  };
  if (!networkMode.startsWith('container:') && ns.kind !== 'host') hostConfig.Dns = ['127.0.0.1'];
  if (extraHosts.length) hostConfig.ExtraHosts = extraHosts;
  const cmd = words(conf.command);
  const entrypoint = words(conf.entrypoint);
  const health = healthcheckConfig(conf.healthcheck as Record<string, unknown> | undefined);
  const createOptions: Docker.ContainerCreateOptions = {
    name: `cnl-${twin.run}-${dockerSafe(twin.project)}-${dockerSafe(name)}-${replica}`,
    Image: image,
    Env: environment,
    Labels: { ...labels, ...twin.labels, [SERVICE_LABEL]: name, [REPLICA_LABEL]: String(replica) },
    ExposedPorts: ports.exposed,
    HostConfig: hostConfig as Docker.HostConfig,
    ...(cmd ? { Cmd: cmd } : {}),
    ...(entrypoint ? { Entrypoint: entrypoint } : {}),
    ...(typeof conf.working_dir === 'string' ? { WorkingDir: conf.working_dir } : {}),
    ...(typeof conf.user === 'string' ? { User: conf.user } : {}),
    ...(health ? { Healthcheck: health } : {}),
    ...(service.hostname && !service.hostname.unknown ? { Hostname: service.hostname.value } : {}),
  };
  if (networks.length && !networkMode.startsWith('container:')) createOptions.NetworkingConfig = { EndpointsConfig: { [networkMode]: endpointConfig(graph, twin, service, networks[0], replica) as Docker.EndpointSettings } };
  try {
    const created = await engine.docker.createContainer(createOptions);
    for (const key of networks.slice(1)) {
      const n = twin.networks.get(key)!;
      await engine.docker.getNetwork(n.id ?? n.dockerName).connect({ Container: created.id, EndpointConfig: endpointConfig(graph, twin, service, key, replica) as Docker.EndpointSettings });
    }
    await created.start();
    return { id: created.id, name: createOptions.name!, service: name, number: replica };
  } catch (error) {
    const message = errorLine(error);
    const bind = bindFailure(message, ports.bindings);
    twin.events.push(
      bind
        ? { kind: 'bind-failed', service: name, replica, port: bind.port, protocol: bind.protocol, hostIp: bind.hostIp, message: `"${name}" could not bind ${bind.hostIp || '*'}:${bind.hostPort ?? bind.port}/${bind.protocol}: ${message}` }
        : { kind: 'start-failed', service: name, replica, message: `"${name}" did not start: ${message}` },
    );
    return undefined;
  }
}
