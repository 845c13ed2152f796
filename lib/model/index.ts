import type { LoadedProject } from '../source/project';
import { buildModel } from './build';
import { NetworkGraph } from './graph';
import { narrow } from './narrow';

export { NetworkGraph } from './graph';
export type * from './types';
export type { Attachment, Creation, NameEntry, Namespace, Resolution, Reference } from './graph';

/** Builds the frozen network graph of a loaded project. */
export function buildGraph(project: LoadedProject): NetworkGraph {
  return new NetworkGraph(buildModel(project, project.envFileEntries), narrow);
}
