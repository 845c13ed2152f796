/**
 * The library API: the pipeline the CLI runs, without printing or exiting.
 *
 *   import { lint } from 'compose-netlint';
 *   const findings = lint({ files: ['compose.yaml'] });
 *
 * Input problems (a missing or unreadable file, no Compose file, an invalid `config` value, an unknown
 * format) are thrown as `InputError` with a `code`; problems inside the files are findings.
 */
import * as path from 'node:path';
import { configFromObject, type Config } from './engine/config';
import type { Finding } from './engine/finding';
import type { Level } from './engine/run';
import { lintProject } from './lint';
import { buildGraph as buildNetworkGraph, type NetworkGraph } from './model';
import { formatters, type ProjectSummary } from './report';
import { InputError, type Severity } from './source/diagnostic';
import { loadProject as loadSourceProject, type LoadedProject, type LoadOptions } from './source/project';
import { packageVersion } from './util/package';
import { formatProjectConfig, projectConfig, type ConfigFormat, type ProjectConfig, type Provenance } from './config';
import { rules } from '../rules';

export { rules };
export { InputError };
export type { Finding, RelatedFinding } from './engine/finding';
export type { Fix, FixSafety, TextEdit } from './engine/fix';
export type { Category, Rule, RuleDefinition } from './engine/rule';
export type { Level } from './engine/run';
export type { Severity } from './source/diagnostic';
export type { Span } from './source/span';
export type { LoadedProject, Mode } from './source/project';
export type { ProjectSummary } from './report';
export type { NetworkGraph } from './model';
export type { ConfigFormat, ProjectConfig, Provenance };
export type * from './model/types';
export type { Attachment, NameEntry, Namespace, Reference, Resolution } from './model/graph';

/** The `code` of an InputError. */
export type InputErrorCode = InputError['code'];

/**
 * Which project to read, named as the CLI's options: `files` are merged in order (`-f`); without them the
 * Compose file is found in `projectDirectory`, else in `cwd`, as Compose finds it. `env` defaults to `process.env`.
 */
export type ProjectOptions = Omit<LoadOptions, 'target'>;

/** The configuration as a value: the keys of `.compose-netlint.yaml`. */
export interface ConfigObject {
  rules?: Record<string, Level | [Level] | [Level, Record<string, unknown>]>;
  failOn?: Severity;
  /** globs of files whose findings are dropped, relative to `cwd` */
  ignore?: string[];
}

export interface LintOptions extends ProjectOptions {
  /** a configuration file, or the configuration itself; default: the nearest `.compose-netlint.*` (or package.json key) upward from the project directory */
  config?: string | ConfigObject;
}

function loadOptions(options: ProjectOptions): LoadOptions {
  const { files, projectDirectory, ...rest } = options;
  // with no files, look for the Compose file in the project directory, as `docker compose --project-directory` does
  return { ...rest, ...(files?.length ? { files } : projectDirectory !== undefined ? { target: projectDirectory } : {}), projectDirectory };
}

/** Reads a project as `docker compose` does: files merged, interpolated, `extends`, `include` and profiles applied. */
export function loadProject(options: ProjectOptions = {}): LoadedProject {
  return loadSourceProject(loadOptions(options));
}

/**
 * A loaded project as `docker compose config` shows it: `config` is the merged, interpolated, normalised project
 * (the implicit default network, Docker names of networks, volumes, configs and secrets, long-syntax ports,
 * `depends_on` and `environment` as mappings, `env_file` entries resolved, inactive profiles left out);
 * `provenance` maps a JSON pointer into `config` (`/services/web/image`) to `{ file, line, column, overrides? }`:
 * where that value was written and, when it replaced others (a later -f file, extends, a local definition over
 * an included one), where those were. Values Compose implies have no entry.
 */
export function toConfig(project: LoadedProject): ProjectConfig {
  return projectConfig(project);
}

/** The text `compose-netlint config` prints: YAML (default) or JSON, with `# file:line:col` provenance on request. */
export function formatConfig(project: LoadedProject, options: { format?: ConfigFormat; provenance?: boolean } = {}): string {
  return formatProjectConfig(project, options.format ?? 'yaml', options.provenance ?? false);
}

/** The frozen network graph of a loaded project: what the rules read. */
export function buildGraph(project: LoadedProject): NetworkGraph {
  return buildNetworkGraph(project);
}

/**
 * Lints one project and returns its findings, sorted by file, line, column and rule id; suppressed
 * findings are left out. Never prints or exits; throws InputError for input it cannot read.
 */
export function lint(options: LintOptions = {}): Finding[] {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const { config, ...project } = options;
  let given: { config?: Config; configFile?: string } = {};
  if (typeof config === 'string') given = { configFile: config };
  else if (config !== undefined) given = { config: configFromObject(config, cwd, cwd, rules) };
  return lintProject({ ...loadOptions({ ...project, cwd }), ...given }).findings.filter((f) => !f.suppressed);
}

export interface FormatOptions {
  /** a formatter name as `--format` takes it; default `stylish` */
  format?: string;
  /** ANSI colours (stylish); default false */
  color?: boolean;
  /** text of the files by displayed name, for formatters that show source lines */
  sources?: Map<string, string>;
  /** the projects linted, for formatters that list them (`modeReason`: a LoadedProject's, printed after the mode) */
  projects?: ProjectSummary[];
  /** the exit code to record; default 1 when there is an error-level finding, else 0 */
  exitCode?: number;
}

/** Formats findings as the CLI prints them; throws InputError (EUSAGE) for an unknown format. */
export function formatFindings(findings: readonly Finding[], options: FormatOptions = {}): string {
  const format = options.format ?? 'stylish';
  const formatter = Object.hasOwn(formatters, format) ? formatters[format] : undefined;
  if (!formatter) throw new InputError(`unknown format "${format}"; use ${Object.keys(formatters).sort().join(', ')}`, 'EUSAGE');
  return formatter({
    findings: [...findings],
    sources: options.sources ?? new Map(),
    projects: options.projects ?? [],
    color: options.color ?? false,
    toolVersion: packageVersion(),
    exitCode: options.exitCode ?? (findings.some((f) => f.severity === 'error') ? 1 : 0),
  });
}
