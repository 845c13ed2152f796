export { runGraphCommand, GRAPH_FORMATS, GRAPH_HELP, type GraphIo } from './command';
export { dot } from './dot';
export { graphDocument, json, type GraphInput } from './json';
export { mermaid } from './mermaid';
export type * from './types';
