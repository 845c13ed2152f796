import * as path from 'node:path';
import { parseOptions } from '../util/args';
import { PROJECT_OPTIONS, projectArgs, type ProjectArgs } from '../project-options';
import { InputError } from '../source/diagnostic';
import { DEFAULT_ENGINE_NAME } from '../model/engine-target';

export const COMMANDS = ['lint', 'rules', 'graph', 'probe', 'config', 'lsp', 'help'] as const;
export type Command = (typeof COMMANDS)[number];

const OPTIONS = {
  ...PROJECT_OPTIONS,
  rule: { type: 'string', multiple: true },
  format: { type: 'string', multiple: true },
  output: { type: 'string' },
  'max-warnings': { type: 'string' },
  fix: { type: 'boolean' },
  'fix-dry-run': { type: 'boolean' },
  'fix-safe': { type: 'boolean' },
  'stdin-filename': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  debug: { type: 'boolean' },
  version: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface CliOptions extends ProjectArgs {
  command: Command;
  paths: string[];
  rules: string[];
  /** the first --format's name (default stylish), for commands that write one report */
  format: string;
  /** lint: every --format NAME or NAME=FILE, in order; a plain NAME writes to --output or stdout */
  formats: FormatTarget[];
  output?: string;
  maxWarnings: number;
  /** `--fix` writes the fixes, `--fix-dry-run` prints them as a unified diff; `--fix-safe` keeps the `safe` ones only */
  fix?: 'write' | 'dry-run';
  fixSafe: boolean;
  /** `-f -` reads the Compose file from standard input; this names it (for positions and the project directory) */
  stdinFilename?: string;
  quiet: boolean;
  color?: boolean;
  debug: boolean;
  version: boolean;
  help: boolean;
}

/** One report of a lint run: a format, and the file it goes to (stdout when there is none). */
export interface FormatTarget {
  name: string;
  output?: string;
}

/** Parses argv (without node and script); throws InputError for usage mistakes. */
export function parseCli(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseOptions(argv, OPTIONS, '--help');
  } catch (error) {
    throw new InputError((error as Error).message, 'EUSAGE');
  }
  const { values, positionals } = parsed;
  const command = (COMMANDS as readonly string[]).includes(positionals[0]) ? (positionals.shift() as Command) : 'lint';
  const project = projectArgs(values);
  let maxWarnings = -1;
  if (values['max-warnings'] !== undefined) {
    maxWarnings = Number(values['max-warnings']);
    if (!Number.isInteger(maxWarnings) || maxWarnings < -1) throw new InputError(`--max-warnings needs a whole number, not "${values['max-warnings']}"`);
  }
  if (values.file?.length && positionals.length) throw new InputError('give either -f files (one project) or paths (one project each), not both');
  if (values.fix && values['fix-dry-run']) throw new InputError('give --fix or --fix-dry-run, not both');
  const fix = values.fix ? 'write' : values['fix-dry-run'] ? 'dry-run' : undefined;
  if (values['fix-safe'] && !fix) throw new InputError('--fix-safe goes with --fix or --fix-dry-run');
  const stdin = (values.file ?? []).filter((f) => f === '-').length;
  if (stdin > 1) throw new InputError('"-f -" (standard input) may be given once');
  if (values['stdin-filename'] !== undefined && !stdin) throw new InputError('--stdin-filename names the file read with "-f -"; give "-f -" too');
  if (stdin && fix === 'write') throw new InputError('--fix cannot write back to standard input; use --fix-dry-run for a diff');
  const formats = values.format ?? [];
  if (formats.length > 1 && command !== 'lint') throw new InputError(`--format may be given once for "${command}"`);
  return {
    command,
    paths: positionals,
    ...project,
    rules: values.rule ?? [],
    format: formats[0] ?? 'stylish',
    formats: command === 'lint' ? formatTargets(formats, values.output) : [{ name: formats[0] ?? 'stylish', output: values.output }],
    output: values.output,
    maxWarnings,
    fix,
    fixSafe: values['fix-safe'] ?? false,
    stdinFilename: values['stdin-filename'],
    quiet: values.quiet ?? false,
    color: values['no-color'] ? false : values.color,
    debug: values.debug ?? false,
    version: values.version ?? false,
    help: values.help ?? false,
  };
}

/**
 * `--format NAME=FILE` writes that report to FILE; a plain `--format NAME` (default: stylish) writes to
 * --output or stdout, and only one may. No two reports share a file, and --output needs a plain format.
 */
function formatTargets(specs: string[], output: string | undefined): FormatTarget[] {
  const targets = (specs.length ? specs : ['stylish']).map((spec) => {
    const eq = spec.indexOf('=');
    if (eq === -1) return { name: spec, output, plain: true };
    const name = spec.slice(0, eq);
    const file = spec.slice(eq + 1);
    if (!name || !file) throw new InputError(`--format needs NAME or NAME=FILE, not "${spec}"`);
    return { name, output: file, plain: false };
  });
  const plain = targets.filter((t) => t.plain).map((t) => t.name);
  if (plain.length > 1) {
    const names = plain.map((n) => `"${n}"`);
    throw new InputError(`only one --format may write to ${output === undefined ? 'stdout' : `--output "${output}"`}, not ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}; give the others a file with --format NAME=FILE`);
  }
  if (output !== undefined && plain.length === 0) throw new InputError(`--output "${output}" has no format to write: every --format names its own file`);
  const seen = new Set<string>();
  for (const t of targets) {
    if (t.output === undefined) continue;
    const key = path.normalize(t.output);
    if (seen.has(key)) throw new InputError(`two formats would write to "${t.output}"; give each its own file`);
    seen.add(key);
  }
  return targets.map(({ name, output: file }) => (file === undefined ? { name } : { name, output: file }));
}

export const HELP = `compose-netlint: lint the networks of Docker Compose and Swarm stack files

Usage:
  compose-netlint [lint] [options] [PATH...]   lint each PATH (a Compose file or a directory) as its own project;
                                               with no PATH, the project in the current directory
  compose-netlint rules [--format json]        list every rule with its severity, category and description
  compose-netlint graph [options] [PATH]       draw the network graph (--format mermaid|dot|json); see graph --help
  compose-netlint probe [options] [PATH]       check the findings on a network twin on a Docker engine; see probe --help
  compose-netlint config [options] [PATH]      print the project as Docker reads it (--format yaml|json, --provenance);
                                               see config --help
  compose-netlint lsp [--stdio]                run the language server over stdio (for editors; see README)
  compose-netlint help [COMMAND]               print this help, or a command's (as COMMAND --help); lint a
                                               directory named like a command as ./NAME
Project options (as docker compose):
  -f, --file FILE            Compose file; repeat to merge files in order (one project)
  -p, --project-name NAME    project name
      --project-directory DIR
      --env-file FILE        variables for interpolation; repeatable; replaces .env
      --profile NAME         enable a profile; repeatable
      --mode MODE            compose, stack or auto (default: auto)
      --stdin-filename NAME  with "-f -" (read the Compose file from standard input): the file's name
                             for positions and finding the project (default: "-" in the current directory)
      --engine ENGINE        the engine to lint for, FAMILY@VERSION[+rootless|+rootful|+desktop]:
                             ${DEFAULT_ENGINE_NAME} (default, the newest Docker release known), docker@20.10,
                             podman@5.2, …; messages and severities follow its version (also engine: in
                             the configuration file)
Rules:
  -c, --config FILE          configuration file (default: .compose-netlint.yaml/.yml/.json or
                             package.json#compose-netlint, searched upward from the project)
      --rule ID=LEVEL        set a rule to off, info, warning or error; repeatable
Fixes:
      --fix                  apply each fix whose change is certain, re-lint, and report what remains
      --fix-dry-run          print the fixes as a unified diff instead (the report goes to stderr)
      --fix-safe             apply only fixes labelled safe (each rule's doc labels its fix safe or
                             changes-behaviour)
Output:
      --format FORMAT[=FILE] stylish (default), compact, json, sarif, junit, github or codeclimate;
                             repeatable: FORMAT=FILE writes that report to FILE, a plain FORMAT
                             to --output or stdout (one plain FORMAT at most)
      --output FILE          write the plain FORMAT's report to FILE instead of stdout
      --max-warnings N       exit 1 when there are more than N warnings
  -q, --quiet                report errors only
      --no-color             no colours (also NO_COLOR=1)
      --debug                show stack traces for internal errors
  -v, --version              print the version
  -h, --help                 print this help

Exit codes: 0 no errors (and warnings within --max-warnings), 1 findings reached the threshold,
2 usage error, unreadable input or internal error.
`;
