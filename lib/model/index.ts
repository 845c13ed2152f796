import type { LoadedProject } from '../source/project';
import { buildModel } from './build';
import { NetworkGraph } from './graph';
import { narrow } from './narrow';
import { DEFAULT_ENGINE, type EngineTarget } from './engine-target';

export { NetworkGraph } from './graph';
export { DEFAULT_ENGINE, DEFAULT_ENGINE_NAME, ENGINE_FACTS, engineFact, engineFromVersion, engineHas, parseEngine } from './engine-target';
export type { EngineFact, EngineFactId, EngineFamily, EngineTarget, EngineVersion } from './engine-target';
export type * from './types';
export type { Attachment, Creation, NameEntry, Namespace, Resolution, Reference } from './graph';

/** Builds the frozen network graph of a loaded project for an engine target (default: DEFAULT_ENGINE, docker@29.1). */
export function buildGraph(project: LoadedProject, engine: EngineTarget = DEFAULT_ENGINE): NetworkGraph {
  return new NetworkGraph(buildModel(project, project.envFileEntries), narrow, engine);
}
