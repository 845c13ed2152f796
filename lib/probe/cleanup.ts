import type Docker from 'dockerode';
import { RUN_LABEL, type Engine } from './engine';
import { labelledVeths, removeVeths } from './veth';
import { LEASE_LABEL } from './runs';
import { errorLine, mapLimit, sleep, withTimeout } from './util';

/** How many containers, or networks, the teardown removes at once: the engine's calls mostly wait. */
const REMOVE_CONCURRENCY = 6;

export interface Removed {
  services: string[];
  containers: string[];
  networks: string[];
  veths: string[];
  /** lease containers (see runs.ts), kept apart from the twin's containers */
  leases: string[];
  /** images the run built (--real, from `build:` contexts) */
  images?: string[];
  errors: string[];
}

/**
 * Removes what carries the run label: one run's objects, or (without a run id) every run's.
 * Only objects with the label are touched; external networks used as they are never carry it.
 * A run's lease goes last, so that while anything of a live run is left, its owner is known.
 */
export async function removeLabelled(engine: Engine, run?: string): Promise<Removed> {
  const label = run ? `${RUN_LABEL}=${run}` : RUN_LABEL;
  const filters = JSON.stringify({ label: [label] });
  const removed: Removed = { services: [], containers: [], networks: [], veths: [], leases: [], errors: [] };
  const { docker } = engine;
  if (engine.swarmManager) {
    try {
      const services = (await withTimeout(docker.listServices({ filters }), 15_000, 'listing services timed out')) as { ID: string; Spec?: { Name?: string } }[];
      for (const s of services) {
        try {
          await docker.getService(s.ID).remove();
          removed.services.push(s.Spec?.Name ?? s.ID);
        } catch (error) {
          removed.errors.push(`service ${s.Spec?.Name ?? s.ID}: ${errorLine(error)}`);
        }
      }
    } catch (error) {
      removed.errors.push(`services: ${errorLine(error)}`);
    }
  }
  // containers can still appear while Swarm winds a service down: list again until none is left (bounded)
  const listContainers = (): Promise<Docker.ContainerInfo[]> => withTimeout(docker.listContainers({ all: true, filters }), 15_000, 'listing containers timed out');
  for (let i = 0; i < 40; i++) {
    let containers: Docker.ContainerInfo[];
    try {
      containers = await listContainers();
    } catch (error) {
      removed.errors.push(`containers: ${errorLine(error)}`);
      break;
    }
    // task containers would leave with their service, slowly: their service is gone, so remove them too
    const own = containers.filter((c) => c.Labels?.[LEASE_LABEL] === undefined);
    // joiners first: a container whose namespace others share goes last; each group REMOVE_CONCURRENCY at a time
    const joiner = (c: Docker.ContainerInfo): boolean => c.HostConfig?.NetworkMode?.startsWith('container:') ?? false;
    for (const group of [own.filter(joiner), own.filter((c) => !joiner(c))]) {
      await mapLimit(group, REMOVE_CONCURRENCY, async (c) => {
        try {
          await docker.getContainer(c.Id).remove({ force: true, v: true });
          removed.containers.push(c.Names[0]?.replace(/^\//, '') ?? c.Id);
        } catch (error) {
          if (!/No such container|is already in progress/.test(errorLine(error))) removed.errors.push(`container ${c.Names[0] ?? c.Id}: ${errorLine(error)}`);
        }
      });
    }
    if (!own.length) break;
    await sleep(250);
  }
  try {
    const networks = (await withTimeout(docker.listNetworks({ filters }), 15_000, 'listing networks timed out')) as { Id: string; Name: string }[];
    await mapLimit(networks, REMOVE_CONCURRENCY, async (n) => {
      let lastError: unknown;
      // an overlay stays busy until Swarm has detached the last task: retry, bounded
      for (let i = 0; i < 20; i++) {
        try {
          await docker.getNetwork(n.Id).remove();
          removed.networks.push(n.Name);
          lastError = undefined;
          break;
        } catch (error) {
          lastError = error;
          if (/No such network|not found/i.test(errorLine(error))) {
            lastError = undefined;
            break;
          }
          await sleep(250);
        }
      }
      if (lastError) removed.errors.push(`network ${n.Name}: ${errorLine(lastError)}`);
    });
  } catch (error) {
    removed.errors.push(`networks: ${errorLine(error)}`);
  }
  // Swarm removes overlay networks asynchronously: wait (bounded) until the engine lists none of them
  for (let i = 0; i < 40; i++) {
    try {
      const left = (await withTimeout(docker.listNetworks({ filters }), 15_000, 'listing networks timed out')) as { Id: string; Name: string }[];
      if (!left.length) break;
      if (i === 39) removed.errors.push(`networks still listed: ${left.map((n) => n.Name).join(', ')}`);
    } catch {
      break;
    }
    await sleep(250);
  }
  // images --real built for the run: after the containers that ran them
  try {
    const images = await withTimeout(docker.listImages({ filters }), 15_000, 'listing images timed out');
    for (const image of images) {
      try {
        await docker.getImage(image.Id).remove({ force: true });
        (removed.images ??= []).push(image.RepoTags?.[0] ?? image.Id);
      } catch (error) {
        if (!/No such image/.test(errorLine(error))) removed.errors.push(`image ${image.RepoTags?.[0] ?? image.Id}: ${errorLine(error)}`);
      }
    }
  } catch (error) {
    removed.errors.push(`images: ${errorLine(error)}`);
  }
  if (engine.local) removed.veths = await removeVeths(await labelledVeths(run));
  try {
    const leases = (await withTimeout(docker.listContainers({ all: true, filters: JSON.stringify({ label: [label, LEASE_LABEL] }) }), 15_000, 'listing containers timed out')) as Docker.ContainerInfo[];
    for (const lease of leases) {
      try {
        await docker.getContainer(lease.Id).remove({ force: true });
        removed.leases.push(lease.Names[0]?.replace(/^\//, '') ?? lease.Id);
      } catch (error) {
        if (!/No such container|is already in progress/.test(errorLine(error))) removed.errors.push(`lease ${lease.Names[0] ?? lease.Id}: ${errorLine(error)}`);
      }
    }
  } catch (error) {
    removed.errors.push(`leases: ${errorLine(error)}`);
  }
  removed.containers = [...new Set(removed.containers)].sort();
  removed.networks.sort();
  return removed;
}

/** What was removed, as `4 containers, 2 networks` (the lease, being bookkeeping, is named only when it was all). */
export function describeRemoved(r: Removed): string {
  const parts: string[] = [];
  if (r.services.length) parts.push(`${r.services.length} service${r.services.length === 1 ? '' : 's'}`);
  if (r.containers.length) parts.push(`${r.containers.length} container${r.containers.length === 1 ? '' : 's'}`);
  if (r.networks.length) parts.push(`${r.networks.length} network${r.networks.length === 1 ? '' : 's'}`);
  if (r.veths.length) parts.push(`${r.veths.length} veth${r.veths.length === 1 ? '' : 's'}`);
  if (r.images?.length) parts.push(`${r.images.length} image${r.images.length === 1 ? '' : 's'}`);
  return parts.length ? parts.join(', ') : r.leases.length ? 'only the lease' : 'nothing';
}
