import { parseArgs } from 'node:util';
import { InputError } from '../source/diagnostic';

export const COMMANDS = ['lint', 'rules', 'graph', 'probe'] as const;
export type Command = (typeof COMMANDS)[number];

const OPTIONS = {
  file: { type: 'string', short: 'f', multiple: true },
  'project-name': { type: 'string', short: 'p' },
  'project-directory': { type: 'string' },
  'env-file': { type: 'string', multiple: true },
  profile: { type: 'string', multiple: true },
  mode: { type: 'string' },
  config: { type: 'string', short: 'c' },
  rule: { type: 'string', multiple: true },
  format: { type: 'string', multiple: true },
  output: { type: 'string' },
  'max-warnings': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  debug: { type: 'boolean' },
  version: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface CliOptions {
  command: Command;
  paths: string[];
  files: string[];
  projectName?: string;
  projectDirectory?: string;
  envFiles: string[];
  profiles: string[];
  mode: 'compose' | 'stack' | 'auto';
  config?: string;
  rules: string[];
  format: string;
  output?: string;
  maxWarnings: number;
  quiet: boolean;
  color?: boolean;
  debug: boolean;
  version: boolean;
  help: boolean;
}

/** Parses argv (without node and script); throws InputError for usage mistakes. */
export function parseCli(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new InputError(`${(error as Error).message.split('\n')[0].replace(/\. To specify .*$/, '')}; see --help`, 'EUSAGE');
  }
  const { values, positionals } = parsed;
  const command = (COMMANDS as readonly string[]).includes(positionals[0]) ? (positionals.shift() as Command) : 'lint';
  const mode = values.mode ?? 'auto';
  if (!['compose', 'stack', 'auto'].includes(mode)) throw new InputError(`--mode must be compose, stack or auto, not "${mode}"`);
  let maxWarnings = -1;
  if (values['max-warnings'] !== undefined) {
    maxWarnings = Number(values['max-warnings']);
    if (!Number.isInteger(maxWarnings) || maxWarnings < -1) throw new InputError(`--max-warnings needs a whole number, not "${values['max-warnings']}"`);
  }
  if (values.file?.length && positionals.length) throw new InputError('give either -f files (one project) or paths (one project each), not both');
  const formats = values.format ?? [];
  if (formats.length > 1) throw new InputError('--format may be given once');
  return {
    command,
    paths: positionals,
    files: values.file ?? [],
    projectName: values['project-name'],
    projectDirectory: values['project-directory'],
    envFiles: values['env-file'] ?? [],
    profiles: (values.profile ?? []).flatMap((p) => p.split(',')).filter(Boolean),
    mode: mode as CliOptions['mode'],
    config: values.config,
    rules: values.rule ?? [],
    format: formats[0] ?? 'stylish',
    output: values.output,
    maxWarnings,
    quiet: values.quiet ?? false,
    color: values['no-color'] ? false : values.color,
    debug: values.debug ?? false,
    version: values.version ?? false,
    help: values.help ?? false,
  };
}

export const HELP = `compose-netlint: lint the networks of Docker Compose and Swarm stack files

Usage:
  compose-netlint [lint] [options] [PATH...]   lint each PATH (a Compose file or a directory) as its own project;
                                               with no PATH, the project in the current directory
  compose-netlint rules [--format json]        list every rule with its severity, category and description
Project options (as docker compose):
  -f, --file FILE            Compose file; repeat to merge files in order (one project)
  -p, --project-name NAME    project name
      --project-directory DIR
      --env-file FILE        variables for interpolation; repeatable; replaces .env
      --profile NAME         enable a profile; repeatable
      --mode MODE            compose, stack or auto (default: auto)
Rules:
  -c, --config FILE          configuration file (default: .compose-netlint.yaml/.yml/.json or
                             package.json#compose-netlint, searched upward from the project)
      --rule ID=LEVEL        set a rule to off, info, warning or error; repeatable
Output:
      --format FORMAT        stylish (default) or json
      --output FILE          write the report to FILE instead of stdout
      --max-warnings N       exit 1 when there are more than N warnings
  -q, --quiet                report errors only
      --no-color             no colours (also NO_COLOR=1)
      --debug                show stack traces for internal errors
  -v, --version              print the version
  -h, --help                 print this help

Exit codes: 0 no errors (and warnings within --max-warnings), 1 findings reached the threshold,
2 usage error, unreadable input or internal error.
`;
