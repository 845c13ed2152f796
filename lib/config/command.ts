import { lintOptions, parseOneProjectArgs, PROJECT_OPTIONS, PROJECT_OPTIONS_HELP, projectArgs } from '../project-options';
import { InputError } from '../source/diagnostic';
import { loadProject } from '../source/project';
import { failureExit } from '../util/exit';
import { formatProjectConfig, type ConfigFormat } from '.';
import { writeOutput } from '../util/output';

export interface ConfigIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
}

const OPTIONS = {
  ...PROJECT_OPTIONS,
  format: { type: 'string' },
  provenance: { type: 'boolean' },
  output: { type: 'string', short: 'o' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FORMATS: readonly ConfigFormat[] = ['json', 'yaml'];

export const CONFIG_HELP = `compose-netlint config: print the project as Docker reads it, in the shape \`docker compose config\` prints

Usage:
  compose-netlint config [options] [PATH]    PATH: a Compose file or a directory (default: the current directory)
Project options (as lint):
${PROJECT_OPTIONS_HELP}
Output:
      --format FORMAT        yaml (default) or json
      --provenance           say where each value was written (file:line:col) and what it overrode
  -o, --output FILE          write to FILE instead of stdout
      --debug                show stack traces for internal errors

Merged, interpolated and normalised as compose-go does: include, extends and profiles applied, the implicit
default network added, Docker names of networks, volumes, configs and secrets, long-syntax ports, depends_on
and environment as mappings, env_file entries resolved into environment.

Exit codes: 0 printed, 1 the project has load errors (printed on stderr, as Compose refuses it), 2 usage
error, unreadable input or internal error.
`;

/** `compose-netlint config ...`: `argv` is what follows the word `config`. Returns the exit code; never throws. */
export function runConfigCommand(argv: string[], io: ConfigIo): number {
  let debug = argv.includes('--debug');
  try {
    const { values, positionals } = parseOneProjectArgs('config', 'prints', argv, OPTIONS);
    debug = values.debug ?? false;
    if (values.help) return (io.stdout(CONFIG_HELP), 0);
    const format = (values.format ?? 'yaml') as ConfigFormat;
    if (!FORMATS.includes(format)) throw new InputError(`unknown config format "${values.format}"; use json or yaml`);
    const project = loadProject(lintOptions(projectArgs(values), io, positionals[0]));
    const errors = project.diagnostics.filter((d) => d.severity === 'error' && (d.ruleId === 'yaml-syntax' || d.ruleId === 'compose-load'));
    if (errors.length) {
      for (const d of errors) io.stderr(`${d.span.file}:${d.span.line}:${d.span.column}: error: ${d.message} [${d.ruleId}]\n`);
      return 1;
    }
    const text = formatProjectConfig(project, format, values.provenance ?? false);
    if (values.output) writeOutput(io.cwd, values.output, text, project.wouldRead);
    else io.stdout(text);
    return 0;
  } catch (error) {
    return failureExit(error, io.stderr, debug);
  }
}
