import type Docker from 'dockerode';
import type { NetworkGraph } from '../model/graph';
import { execIn, REPLICA_LABEL, SERVICE_LABEL, type Engine } from './engine';
import type { NamespaceSockets } from './listening';
import { REPLICA_CAP } from './plan';
import type { PublishedPort, Publishing } from './publish';
import { stoppedContainer } from './logs';
import { LISTENER, shArgv } from './scripts';
import { parseSocketTables, SOCKETS_SCRIPT, type Listener } from './sockets';
import { readHostPorts, type Twin, type TwinContainer } from './twin';
import { checkAborted, dockerSafe, errorLine, mapLimit } from './util';

/**
 * Attach mode: the probe's sources are short-lived sidecars from the probe image, each joining one
 * application container's network namespace (`network_mode: container:<id>`, no capability added),
 * so images without a shell are probed too and the application containers are never changed.
 */

/**
 * The labels `docker compose` puts on every container it creates (docker/compose pkg/api/labels.go:
 * ProjectLabel, ServiceLabel, ContainerNumberLabel, OneoffLabel; "True" for `docker compose run`).
 */
export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
export const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';
export const COMPOSE_NUMBER_LABEL = 'com.docker.compose.container-number';
export const COMPOSE_ONEOFF_LABEL = 'com.docker.compose.oneoff';

/** The label on a sidecar naming the container whose namespace it joins. */
export const SIDECAR_OF_LABEL = 'com.compose-netlint.sidecar-of';

/** An application container of the project: a running one found by its labels, or one --real created. */
export interface AppContainer {
  id: string;
  /** the container's name, without Docker's leading slash */
  name: string;
  service: string;
  /** `com.docker.compose.container-number`, or the replica --real numbered it */
  number: number;
}

/**
 * Picks a project's service containers from a container listing (`GET /containers/json`): those whose
 * project label is `project`, that are not one-off (`docker compose run`), sorted by service and number.
 * Containers of services the graph does not have are returned apart, by name, for the report's notes.
 */
export function composeContainers(list: readonly Pick<Docker.ContainerInfo, 'Id' | 'Names' | 'Labels' | 'State'>[], project: string, services: ReadonlySet<string>): { found: AppContainer[]; unknown: string[] } {
  const found: AppContainer[] = [];
  const unknown: string[] = [];
  for (const c of list) {
    const labels = c.Labels ?? {};
    if (labels[COMPOSE_PROJECT_LABEL] !== project || labels[COMPOSE_ONEOFF_LABEL] === 'True' || c.State !== 'running') continue;
    const name = (c.Names?.[0] ?? c.Id).replace(/^\//, '');
    const service = labels[COMPOSE_SERVICE_LABEL];
    const number = Number(labels[COMPOSE_NUMBER_LABEL] ?? '1');
    if (!service || !services.has(service)) {
      unknown.push(name);
      continue;
    }
    found.push({ id: c.Id, name, service, number: Number.isInteger(number) && number > 0 ? number : 1 });
  }
  found.sort((a, b) => a.service.localeCompare(b.service) || a.number - b.number);
  return { found, unknown: unknown.sort() };
}

/** Lists the running containers of a Compose project by its labels (see composeContainers). */
export async function findProjectContainers(engine: Engine, project: string, services: ReadonlySet<string>): Promise<{ found: AppContainer[]; unknown: string[] }> {
  const list = await engine.docker.listContainers({ filters: JSON.stringify({ label: [`${COMPOSE_PROJECT_LABEL}=${project}`] }) });
  return composeContainers(list, project, services);
}

/** The control listener's port: the first from this one down that nothing in the namespace holds. */
const CONTROL_TOP = 39_999;

/** Chooses a loopback TCP port for a sidecar's control listener that no socket of the namespace holds, nor an earlier sidecar of it. */
export function controlPortFor(listeners: readonly Listener[], taken: ReadonlySet<number>): number {
  const used = new Set([...listeners.filter((l) => l.protocol === 'tcp').map((l) => l.port), ...taken]);
  let port = CONTROL_TOP;
  while (used.has(port)) port--;
  return port;
}

/**
 * A Publishing (publish.ts) for a project whose containers publish as they were started: each binding is
 * probed at the host port it names, on 127.0.0.1 for every interface or on the loopback address it names;
 * a binding on another address is not probed, since the probe sends nothing off this machine's loopback.
 */
export function publishedAsWritten(graph: NetworkGraph): Publishing {
  const ports = new Map<string, PublishedPort[]>();
  for (const s of graph.services.values()) {
    const list: PublishedPort[] = [];
    s.ports.forEach((b, binding) => {
      if (b.invalid || b.unknown) return;
      for (let t = b.target.value.start; t <= b.target.value.end; t++) {
        const offset = t - b.target.value.start;
        const host = b.published ? (b.target.value.end > b.target.value.start ? [b.published.value.start + offset, b.published.value.start + offset] : [b.published.value.start, b.published.value.end]) : undefined;
        list.push({
          binding,
          target: t,
          protocol: b.protocol,
          hostPort: host ? (host[0] === host[1] ? String(host[0]) : `${host[0]}-${host[1]}`) : '',
          ...(host ? { hostRange: host as [number, number] } : {}),
          addresses: [hostAddress(b.hostIp?.value.text)].filter((a): a is string => a !== undefined),
        });
      }
    });
    ports.set(s.name, list);
  }
  return {
    ports: (service) => ports.get(service) ?? [],
    hostTarget: (service, binding) => {
      const b = graph.services.get(service)?.ports[binding];
      const address = hostAddress(b?.hostIp?.value.text);
      return address ? { address } : { skip: `published on ${b?.hostIp?.value.text}, not on loopback: the probe sends nothing off this machine's loopback` };
    },
    notes: [],
  };
}

/** The loopback address a binding on `hostIp` answers on: 127.0.0.1 for every interface, the address itself when it is a loopback one. */
function hostAddress(hostIp: string | undefined): string | undefined {
  const ip = hostIp?.replace(/^\[|\]$/g, '');
  if (!ip || ip === '0.0.0.0') return '127.0.0.1';
  if (ip === '::') return '::1';
  return /^127\./.test(ip) || ip === '::1' ? ip : undefined;
}

/** Reads the socket tables of a container's namespace through a sidecar in it. */
export async function readSockets(engine: Engine, sidecarId: string, signal?: AbortSignal): Promise<Listener[]> {
  const result = await execIn(engine.docker, sidecarId, ['sh', '-c', SOCKETS_SCRIPT], 15_000, signal);
  if (result.timedOut) throw new Error('reading /proc/net timed out');
  return parseSocketTables(result.stdout);
}

/** What attaching needs: the engine, the graph, the probe image and the run's record. */
export interface AttachOptions {
  engine: Engine;
  graph: NetworkGraph;
  image: string;
  signal?: AbortSignal;
  progress: (text: string) => void;
}

/**
 * Starts one sidecar per application container (at most REPLICA_CAP a service), records each in
 * `twin.containers` as a probe source (its `probes` naming the application container, its addresses and
 * host ports read from that container); its control listener takes a loopback port no socket of the
 * namespace holds (controlPortFor). Sidecars carry the run's labels, so the run's teardown removes them; the
 * application containers are only inspected. Services with no running container are marked excluded.
 */
export async function attachSidecars(options: AttachOptions, twin: Twin, apps: readonly AppContainer[]): Promise<void> {
  const { engine, graph } = options;
  const byDocker = new Map([...graph.networks.values()].map((n) => [n.dockerName, n.name]));
  for (const key of graph.networks.keys()) byDocker.set(twin.networks.get(key)?.dockerName ?? '', key);
  const chosen = apps.filter((a) => apps.filter((b) => b.service === a.service && b.number < a.number).length < REPLICA_CAP);
  for (const s of graph.services.keys()) if (!apps.some((a) => a.service === s) && !twin.excluded.has(s)) twin.excluded.set(s, `no running container of "${s}" was found`);
  const controls = new Map<string, Set<number>>();
  options.progress(`attaching ${chosen.length} sidecar${chosen.length === 1 ? '' : 's'} to the project's containers`);
  // one at a time: sidecars of one namespace choose their control ports from what the earlier ones hold
  await mapLimit(chosen, 1, async (app) => {
    checkAborted(options.signal);
    const container: TwinContainer = {
      service: app.service,
      replica: app.number,
      name: sidecarName(twin.run, app.name),
      running: false,
      controlPort: 0,
      listen: [],
      addresses: new Map(),
      probes: app.name,
    };
    twin.containers.push(container);
    // an application container that stopped (it exited, or was stopped) has no namespace to join: say how, and what it logged last
    // (the logs go to a note, not to the event, whose text the findings' probe links match)
    const stopped = await stoppedContainer(engine, app.id);
    if (stopped) {
      twin.events.push({ kind: 'start-failed', service: app.service, replica: app.number, message: `"${app.service}": its container "${app.name}" ${stopped.state}` });
      twin.notes.push(`"${app.service}": its container "${app.name}" ${stopped.state}; ${stopped.logs}`);
      if (!twin.containers.some((c) => c.service === app.service && c.running)) twin.excluded.set(app.service, `its container "${app.name}" ${stopped.state}`);
      return;
    }
    let info: { HostConfig?: { NetworkMode?: string }; NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }>; Ports?: Parameters<typeof readHostPorts>[0] } };
    try {
      info = (await engine.docker.getContainer(app.id).inspect()) as typeof info;
      const created = await engine.docker.createContainer({
        name: container.name,
        Image: options.image,
        Entrypoint: ['sh', '-c', 'while :; do sleep 3600; done'],
        Cmd: [],
        Labels: { ...twin.labels, [SERVICE_LABEL]: app.service, [REPLICA_LABEL]: String(app.number), [SIDECAR_OF_LABEL]: app.id },
        HostConfig: { NetworkMode: `container:${app.id}`, Privileged: false, RestartPolicy: { Name: 'no' }, LogConfig: { Type: 'none', Config: {} } } as Docker.HostConfig,
      });
      container.id = created.id;
      await created.start();
      const listeners = await readSockets(engine, created.id, options.signal);
      const owner = info.HostConfig?.NetworkMode?.startsWith('container:') ? info.HostConfig.NetworkMode.slice('container:'.length) : app.id;
      const taken = controls.get(owner) ?? new Set<number>();
      container.controlPort = controlPortFor(listeners, taken);
      taken.add(container.controlPort);
      controls.set(owner, taken);
      const exec = await created.exec({ Cmd: shArgv(LISTENER, 'cnl-listen', ['127.0.0.1', String(container.controlPort)]), AttachStdout: false, AttachStderr: false });
      await exec.start({ Detach: true });
      container.running = true;
    } catch (error) {
      twin.events.push({ kind: 'create-failed', service: app.service, replica: app.number, message: `the sidecar for "${app.name}" did not start: ${errorLine(error)}` });
      if (!twin.containers.some((c) => c.service === app.service && c.running)) twin.excluded.set(app.service, `its sidecar did not start: ${errorLine(error)}`);
      return;
    }
    container.hostPorts = readHostPorts(info.NetworkSettings?.Ports);
    for (const [dockerName, settings] of Object.entries(info.NetworkSettings?.Networks ?? {})) {
      const key = dockerName === 'bridge' ? 'bridge' : byDocker.get(dockerName);
      if (key && settings.IPAddress) container.addresses.set(key, settings.IPAddress);
    }
  });
  // members of another service's namespace share its addresses and its socket table
  for (const c of twin.containers) {
    const ns = graph.namespace(c.service);
    if (!ns.chain.length) continue;
    const owner = twin.containers.find((o) => o.service === ns.owner && o.running);
    if (owner) for (const [k, v] of owner.addresses) c.addresses.set(k, v);
  }
}

/** The sidecar's name: `<app>-sidecar` for a container of this run (--real names its own `cnl-<run>-…`), else `cnl-<run>-<app>-sidecar`. */
export function sidecarName(run: string, app: string): string {
  return app.startsWith(`cnl-${run}-`) ? `${dockerSafe(app)}-sidecar` : `cnl-${run}-${dockerSafe(app)}-sidecar`;
}

/** Reads the socket tables again (after a wait for readiness, say): the first sidecar of each namespace owner. */
export async function rereadSockets(engine: Engine, twin: Twin, graph: NetworkGraph, signal?: AbortSignal): Promise<Map<string, NamespaceSockets>> {
  const owners = twin.containers.filter((c) => c.running && c.id && graph.namespace(c.service).owner === c.service && !twin.containers.some((o) => o.service === c.service && o.running && o.replica < c.replica));
  const tables = new Map<string, NamespaceSockets>();
  await mapLimit(owners, 4, async (c) => {
    const listeners = await readSockets(engine, c.id!, signal);
    // the sidecars' own control listeners are the probe's, not the application's
    const own = new Set(twin.containers.filter((o) => graph.namespace(o.service).owner === c.service).map((o) => o.controlPort));
    tables.set(c.service, { container: c.probes ?? c.name, listeners: listeners.filter((l) => !(l.protocol === 'tcp' && l.scope === 'loopback' && own.has(l.port))) });
  });
  return tables;
}
