import { parseRuleOverrides } from '../engine/config';
import { SEVERITY_RANK } from '../engine/finding';
import { lintProject } from '../lint';
import { lintOptions, parseOneProjectArgs, PROJECT_OPTIONS, PROJECT_OPTIONS_HELP, projectArgs } from '../project-options';
import { InputError } from '../source/diagnostic';
import { DEFAULT_ENGINE_NAME } from '../model/engine-target';
import { failureExit } from '../util/exit';
import { packageVersion } from '../util/package';
import { rules } from '../../rules';
import { dot } from './dot';
import { graphDocument, json } from './json';
import { mermaid } from './mermaid';
import type { GraphDocument } from './types';
import { writeOutput } from '../util/output';

export interface GraphIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
}

export const GRAPH_FORMATS: Record<string, (doc: GraphDocument) => string> = { dot, json, mermaid };

const OPTIONS = {
  ...PROJECT_OPTIONS,
  rule: { type: 'string', multiple: true },
  format: { type: 'string', multiple: true },
  output: { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const GRAPH_HELP = `compose-netlint graph: draw the network graph of one project, with its findings on it

Usage:
  compose-netlint graph [options] [PATH]     PATH: a Compose file or a directory (default: the current directory)
Project options (as lint):
${PROJECT_OPTIONS_HELP}
      --mode MODE            compose, stack or auto (default: auto)
      --engine ENGINE        the engine to draw for (default ${DEFAULT_ENGINE_NAME}); see lint --help
  -c, --config FILE          configuration file
      --rule ID=LEVEL        set a rule to off, info, warning or error; repeatable
Output:
      --format FORMAT        mermaid (default), dot or json (the graph document, docs/graph-json.md)
      --output FILE          write the graph to FILE instead of stdout
      --debug                show stack traces for internal errors

Exit codes: 0 no finding at or above the failure threshold, 1 findings reached it, 2 usage error,
unreadable input or internal error.
`;

/**
 * `compose-netlint graph ...`: `argv` is what follows the word `graph`. Lints one project, prints its
 * graph with the findings drawn on it, and returns the exit code lint would return; never throws.
 */
export function runGraphCommand(argv: string[], io: GraphIo): number {
  let debug = argv.includes('--debug');
  try {
    const { values, positionals } = parseOneProjectArgs('graph', 'draws', argv, OPTIONS);
    debug = values.debug ?? false;
    if (values.help) return (io.stdout(GRAPH_HELP), 0);
    if ((values.format?.length ?? 0) > 1) throw new InputError('--format may be given once for graph');
    const format = values.format?.[0] ?? 'mermaid';
    const render = GRAPH_FORMATS[format];
    if (!render) throw new InputError(`unknown graph format "${format}"; use ${Object.keys(GRAPH_FORMATS).join(', ')}`);

    const result = lintProject({ ...lintOptions(projectArgs(values), io, positionals[0]), ruleLevels: parseRuleOverrides(values.rule ?? [], rules) });
    const findings = result.findings.filter((f) => !f.suppressed);
    const { name, mode: projectMode, files } = result.project;
    const text = render(graphDocument({ graph: result.graph, project: { name, mode: projectMode, files }, findings, toolVersion: packageVersion() }));
    if (values.output) writeOutput(io.cwd, values.output, text, result.project.wouldRead);
    else io.stdout(text);
    return findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[result.config.failOn]) ? 1 : 0;
  } catch (error) {
    return failureExit(error, io.stderr, debug);
  }
}
