import type { ParseArgsConfig } from 'node:util';
import { parseOptions, type ParsedOptions } from './util/args';
import type { LintProjectOptions } from './lint';
import { InputError } from './source/diagnostic';
import type { Mode } from './source/project';
import { parseEngine, type EngineTarget } from './model/engine-target';

/** The project options every command takes, as `docker compose` spells them (node:util parseArgs specs). */
export const PROJECT_OPTIONS = {
  file: { type: 'string', short: 'f', multiple: true },
  'project-name': { type: 'string', short: 'p' },
  'project-directory': { type: 'string' },
  'env-file': { type: 'string', multiple: true },
  profile: { type: 'string', multiple: true },
  mode: { type: 'string' },
  config: { type: 'string', short: 'c' },
  engine: { type: 'string' },
} as const;

/** Help lines of the project options that `graph` and `config` take as lint does (`PROJECT_OPTIONS` without mode, config and engine). */
export const PROJECT_OPTIONS_HELP = `  -f, --file FILE            Compose file; repeat to merge files in order
  -p, --project-name NAME    project name
      --project-directory DIR
      --env-file FILE        variables for interpolation; repeatable; replaces .env
      --profile NAME         enable a profile; repeatable`;

export interface ProjectArgs {
  files: string[];
  projectName?: string;
  projectDirectory?: string;
  envFiles: string[];
  profiles: string[];
  mode: Mode | 'auto';
  config?: string;
  /** `--engine`, parsed (lib/model/engine-target.ts); absent: the configuration's `engine:` or the default */
  engine?: EngineTarget;
}

interface ProjectValues {
  file?: string[];
  'project-name'?: string;
  'project-directory'?: string;
  'env-file'?: string[];
  profile?: string[];
  mode?: string;
  config?: string;
  engine?: string;
}

/** Reads the project options out of parsed values; `--profile a,b` counts as two profiles. Throws InputError for a bad --mode or --engine. */
export function projectArgs(values: ProjectValues): ProjectArgs {
  const mode = values.mode ?? 'auto';
  if (!['compose', 'stack', 'auto'].includes(mode)) throw new InputError(`--mode must be compose, stack or auto, not "${mode}"`);
  return {
    files: values.file ?? [],
    projectName: values['project-name'],
    projectDirectory: values['project-directory'],
    envFiles: values['env-file'] ?? [],
    profiles: (values.profile ?? []).flatMap((p) => p.split(',')).filter(Boolean),
    mode: mode as ProjectArgs['mode'],
    config: values.config,
    ...(values.engine !== undefined ? { engine: parseEngine(values.engine) } : {}),
  };
}

/** What `lintProject` needs to lint one project: a positional PATH, or else the `-f` files. */
export function lintOptions(args: ProjectArgs, io: { cwd: string; env: Record<string, string | undefined> }, target?: string): LintProjectOptions {
  return {
    ...(target !== undefined ? { target } : { files: args.files }),
    cwd: io.cwd,
    env: io.env,
    projectName: args.projectName,
    projectDirectory: args.projectDirectory,
    envFiles: args.envFiles,
    profiles: args.profiles,
    mode: args.mode,
    configFile: args.config,
    engine: args.engine,
  };
}

/** What parseOneProjectArgs returns: node:util parseArgs' result for `T`. */
export type OneProjectArgs<T extends NonNullable<ParseArgsConfig['options']>> = ParsedOptions<T>;

/**
 * Parses the argv of a command that reads one project (`graph`, `config`): `options` as node:util parseArgs takes
 * them, at most one PATH, and not both -f and a PATH. Throws InputError (EUSAGE) naming `command --help`.
 */
export function parseOneProjectArgs<T extends NonNullable<ParseArgsConfig['options']>>(command: string, verb: string, argv: string[], options: T): OneProjectArgs<T> {
  let parsed: OneProjectArgs<T>;
  try {
    parsed = parseOptions(argv, options, `${command} --help`);
  } catch (error) {
    throw new InputError((error as Error).message, 'EUSAGE');
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new InputError(`${command} ${verb} one project; give one PATH, not ${positionals.length}`);
  if ((values as { file?: string[] }).file?.length && positionals.length) throw new InputError('give either -f files or a PATH, not both');
  return parsed;
}
