import type Docker from 'dockerode';
import { EngineError, PROJECT_LABEL, RUN_LABEL, type Engine } from './engine';
import { EngineFault } from './guard';
import { OWNER_HOST_LABEL, OWNER_PID_LABEL, STARTED_LABEL } from './owner';
import { errorLine } from './util';
import { vethsByRun } from './veth';

/**
 * The label of a run's lease: a container that is created first, never started, and removed
 * last. Its labels name the run's owner, and its value lists the fixed resources the run is about
 * to take (see collide.ts), so that other runs see them before any of them exists.
 */
export const LEASE_LABEL = 'com.compose-netlint.lease';

export interface NetworkEntry {
  Id: string;
  Name: string;
  Created?: string;
  Scope?: string;
  Driver?: string;
  IPAM?: { Config?: { Subnet?: string }[] | null };
  Labels?: Record<string, string>;
}

export interface ServiceEntry {
  ID: string;
  CreatedAt?: string;
  Spec?: { Name?: string; Labels?: Record<string, string> };
  Endpoint?: { Ports?: { Protocol?: string; PublishedPort?: number; PublishMode?: string }[] };
}

/** Everything on the engine (and, for a local engine, this machine) that one run created. */
export interface RunObjects {
  run: string;
  project?: string;
  /** the labels of the object that names the owner best (the lease, else any with owner labels) */
  labels?: Record<string, string>;
  /** when its oldest object was created */
  created?: Date;
  lease?: Docker.ContainerInfo;
  /** containers other than the lease */
  containers: Docker.ContainerInfo[];
  networks: NetworkEntry[];
  services: ServiceEntry[];
  veths: string[];
}

/**
 * Lists what carries the run label, by run: containers (the lease apart), networks, Swarm services
 * (on a manager) and, when the engine is on this machine, veths. `run` narrows it to one run.
 * Each call is bounded by the engine guard (guard.ts: deadline and size, EngineFault when broken);
 * any other error answer (a 404 from something that is not a Docker engine) rejects as one-line
 * EngineError naming the engine, as the probe's other calls do.
 */
export async function listRuns(engine: Engine, run?: string): Promise<Map<string, RunObjects>> {
  const filters = JSON.stringify({ label: [run ? `${RUN_LABEL}=${run}` : RUN_LABEL] });
  const { docker } = engine;
  const [containers, networks, services, veths] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }) as Promise<NetworkEntry[]>,
    engine.swarmManager ? (docker.listServices({ filters }) as Promise<ServiceEntry[]>) : Promise.resolve([]),
    engine.local ? vethsByRun() : Promise.resolve(new Map<string, string[]>()),
  ]).catch((error: unknown) => {
    throw error instanceof EngineFault || error instanceof EngineError ? error : new EngineError(`the Docker engine at ${engine.host} could not list probe runs (${errorLine(error)}); check DOCKER_HOST`);
  });
  const runs = new Map<string, RunObjects>();
  const entry = (id: string): RunObjects => {
    let r = runs.get(id);
    if (!r) runs.set(id, (r = { run: id, containers: [], networks: [], services: [], veths: [] }));
    return r;
  };
  const note = (r: RunObjects, labels: Record<string, string> | undefined, created: Date | undefined, lease = false): void => {
    r.project ??= labels?.[PROJECT_LABEL];
    if (labels?.[OWNER_PID_LABEL] && (lease || !r.labels)) r.labels = labels;
    if (created && !Number.isNaN(created.getTime()) && (!r.created || created < r.created)) r.created = created;
  };
  for (const c of containers) {
    const r = entry(c.Labels[RUN_LABEL]);
    const lease = c.Labels[LEASE_LABEL] !== undefined;
    if (lease) r.lease = c;
    else r.containers.push(c);
    note(r, c.Labels, new Date(c.Created * 1000), lease);
  }
  for (const n of networks) {
    const r = entry(n.Labels![RUN_LABEL]);
    r.networks.push(n);
    note(r, n.Labels, n.Created ? new Date(n.Created) : undefined);
  }
  for (const s of services) {
    const r = entry(s.Spec!.Labels![RUN_LABEL]);
    r.services.push(s);
    note(r, s.Spec?.Labels, s.CreatedAt ? new Date(s.CreatedAt) : undefined);
  }
  for (const [id, names] of veths) if (!run || id === run) entry(id).veths.push(...names);
  return runs;
}

/**
 * How a run describes itself in messages: `run 1ae284a1 (project "shop", started 2024-05-01T10:00:00.000Z,
 * pid 42 on host "ci")`, with `; <why>` before the closing parenthesis when given.
 */
export function describeRun(r: RunObjects, why?: string): string {
  const parts: string[] = [];
  if (r.project !== undefined) parts.push(`project "${r.project}"`);
  const started = r.labels?.[STARTED_LABEL] ?? r.created?.toISOString();
  if (started) parts.push(`started ${started}`);
  if (r.labels?.[OWNER_PID_LABEL]) parts.push(`pid ${r.labels[OWNER_PID_LABEL]} on host "${r.labels[OWNER_HOST_LABEL]}"`);
  const inside = `${parts.join(', ')}${why ? `${parts.length ? '; ' : ''}${why}` : ''}`;
  return `run ${r.run}${inside ? ` (${inside})` : ''}`;
}
