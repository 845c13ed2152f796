/**
 * `compose-netlint config`: the project as Docker reads it, in the shape `docker compose config` prints,
 * with the place each value came from on request. The library API exposes the same (see lib/index.ts).
 */
import { buildGraph } from '../model';
import type { LoadedProject } from '../source/project';
import { toPlain } from '../source/tree';
import { normaliseProject } from './normalise';
import { printConfig, provenanceOf, type ConfigFormat, type Provenance } from './print';

export type { ConfigFormat, Provenance };

export interface ProjectConfig {
  /** the normalised project as plain data: what `config --format json` prints */
  config: Record<string, unknown>;
  /** the place of each value written somewhere, by JSON pointer into `config` (`/services/web/image`) */
  provenance: Record<string, Provenance>;
}

/** The normalised tree of a loaded project; network names come from the network model. */
function normalised(project: LoadedProject) {
  const graph = buildGraph(project);
  const names = new Map([...graph.networks].map(([key, n]) => [key, n.dockerName]));
  return normaliseProject(project, names);
}

/**
 * A loaded project as `docker compose config` shows it (merged, interpolated, normalised: the implicit default
 * network, Docker names of networks, volumes, configs and secrets, long-syntax ports, depends_on and environment
 * as mappings, env_file entries resolved, inactive profiles left out), and where each value came from.
 */
export function projectConfig(project: LoadedProject): ProjectConfig {
  const tree = normalised(project);
  return { config: toPlain(tree) as Record<string, unknown>, provenance: provenanceOf(tree) };
}

/** The text `compose-netlint config` prints for a loaded project (see printConfig for both formats). */
export function formatProjectConfig(project: LoadedProject, format: ConfigFormat = 'yaml', provenance = false): string {
  return printConfig(normalised(project), format, provenance);
}
