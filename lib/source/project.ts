import * as fs from 'node:fs';
import * as path from 'node:path';
import { dependencyDiagnostics, profilesOf } from './dependencies';
import { InputError, quoteValue, type Diagnostic } from './diagnostic';
import { parseEnvFile, type EnvEntry } from './dotenv';
import { COMPOSE_FILE_NAMES, OVERRIDE_FILE_NAMES } from './file-names';
import { expansionBudget, interpolateString, interpolateTree, type Lookup } from './interpolate';
import { applyResets, mergeFiles, mergeService } from './merge';
import { decideMode, type Mode } from './mode';
import { readText } from './read';
import { containerNameDiagnostics, environmentDiagnostics, externalNameDiagnostics } from './refusals';
import type { Span } from './span';
import { get, isMap, isScalar, isSeq, mapNode, type Entry, type MapNode, type Node, type ScalarNode } from './tree';
import { parseYaml } from './yaml';
import { quotedList } from '../util/suggest';

export type { Mode };
export { COMPOSE_FILE_NAMES, OVERRIDE_FILE_NAMES };

export interface LoadOptions {
  /** working directory for relative paths and displayed file names (default: process.cwd()) */
  cwd?: string;
  /** `-f` files, merged in order */
  files?: string[];
  /** a positional argument: a Compose file or a directory to discover one in */
  target?: string;
  projectDirectory?: string;
  projectName?: string;
  /** the process environment (default: process.env) */
  env?: Record<string, string | undefined>;
  /** `--env-file`, repeatable; replaces the project's `.env` */
  envFiles?: string[];
  profiles?: string[];
  mode?: Mode | 'auto';
  /**
   * Texts read instead of the files on disk, by absolute path: an editor's unsaved buffers, or standard input
   * under its `--stdin-filename`. A path here exists for discovery, `include` and `extends` even when no file does.
   */
  overlay?: ReadonlyMap<string, string>;
}

export interface LoadedProject {
  name: string;
  directory: string;
  mode: Mode;
  /** why the project is in that mode: completes "linted in <mode> mode because …" (see decideMode) */
  modeReason: string;
  /** the Compose files read, as displayed (relative to cwd), including extended and included ones */
  files: string[];
  /** the merged, interpolated project with `extends` applied and inactive-profile services removed */
  root: MapNode;
  profiles: Set<string>;
  /** text of every file read (Compose files and env files), by displayed name */
  sources: Map<string, string>;
  /** absolute path of every displayed name */
  paths: Map<string, string>;
  diagnostics: Diagnostic[];
  lookup: Lookup;
  /** services left out because none of their profiles is active: not run, but their declarations still use networks */
  inactiveServices: Entry[];
  /** entries of every `env_file` the services name, by absolute path */
  envFileEntries: Map<string, EnvEntry[]>;
  /**
   * Absolute path of every file the project reads, or would read if it existed: the files read, each path the
   * loader looked for (discovery, `.env`, `include`, `extends.file`, services' `env_file`), and the override files
   * Compose adds beside each Compose file when none is named (OVERRIDE_FILE_NAMES). A report is never written there.
   */
  wouldRead: ReadonlySet<string>;
}

/**
 * Not a Compose limit: a guard so that a long chain of `extends`, or of files that include or extend
 * one another, cannot overflow the stack. Past it the link is a compose-load error at the entry that
 * would go deeper, the same one on every run.
 */
export const MAX_CHAIN_DEPTH = 100;

/** Reads a project as `docker compose` would, never throwing for problems inside the files (they become diagnostics). */
export function loadProject(options: LoadOptions = {}): LoadedProject {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const processEnv = options.env ?? process.env;
  const loader = new Loader(cwd, options.overlay);
  const exists = (file: string) => loader.exists(file);
  const target = options.target ? path.resolve(cwd, options.target) : undefined;
  const targetIsDir = target !== undefined && isDirectory(target);
  if (target !== undefined && !targetIsDir && !exists(target)) throw new InputError(`${options.target}: no such file or directory`, 'ENOENT');

  // the project directory decides where .env is read from, which may itself name COMPOSE_FILE
  const explicitFiles = options.files?.length ? options.files : target && !targetIsDir ? [options.target!] : undefined;
  if (options.projectDirectory !== undefined && !isDirectory(path.resolve(cwd, options.projectDirectory))) {
    throw new InputError(`${options.projectDirectory}: no such directory (--project-directory)`, 'ENOENT');
  }
  // compose-go cli/options.go WithDefaultConfigPath: without -f (or COMPOSE_FILE) the files are searched from the
  // working directory, which --project-directory sets (WithWorkingDirectory); COMPOSE_FILE stays relative to the
  // current directory (WithConfigFileEnv: filepath.Abs)
  const baseDir = targetIsDir ? target! : cwd;
  const searchDir = targetIsDir || !options.projectDirectory ? baseDir : path.resolve(cwd, options.projectDirectory);
  let projectDirectory = options.projectDirectory ? path.resolve(cwd, options.projectDirectory) : explicitFiles ? path.dirname(path.resolve(cwd, explicitFiles[0])) : baseDir;
  const envFromFiles = loader.readEnvFiles(options.envFiles, projectDirectory, processEnv);
  const lookup: Lookup = (name) => processEnv[name] ?? envFromFiles.get(name);

  let files = explicitFiles?.map((f) => path.resolve(cwd, f));
  if (!files && lookup('COMPOSE_FILE')) {
    const separator = lookup('COMPOSE_PATH_SEPARATOR') ?? path.delimiter;
    files = lookup('COMPOSE_FILE')!
      .split(separator)
      .filter(Boolean)
      .map((f) => path.resolve(baseDir, f));
  }
  if (!files) files = discover(searchDir, exists);
  if (!options.projectDirectory && !explicitFiles) projectDirectory = path.dirname(files[0]);

  // compose-go loader.go projectName: the name is decided before the files are interpolated, and is then set as
  // COMPOSE_PROJECT_NAME for their interpolation (and for included projects')
  const name = projectName(options.projectName, lookup, loader.namesInFiles(files), projectDirectory);
  const lookupWithName: Lookup = (n) => (n === 'COMPOSE_PROJECT_NAME' ? name : lookup(n));

  let root: MapNode | undefined;
  for (const file of files) {
    const tree = loader.loadFile(file, lookupWithName, projectDirectory);
    if (!tree) continue;
    root = root ? mergeFiles(root, tree) : applyResets(tree);
  }
  root ??= mapNode({ file: loader.display(files[0]), line: 1, column: 1, endLine: 1, endColumn: 1 });

  const profiles = activeProfiles(options.profiles, lookup);
  const inactive = inactiveServices(root, profiles);
  root = withoutServices(root, inactive);
  const activeServices = get(root, 'services');
  if (isMap(activeServices)) {
    loader.diagnostics.push(...environmentDiagnostics([...activeServices.entries.values(), ...inactive]));
    loader.diagnostics.push(...dependencyDiagnostics(activeServices.entries, inactive));
    loader.diagnostics.push(...containerNameDiagnostics(activeServices.entries.values()));
  }
  const mode = decideMode(
    root,
    files.map((f) => loader.display(f)),
    options.mode,
  );
  if (mode.ambiguity) loader.diagnostics.push(mode.ambiguity);
  resolveBareEnvironment(root, lookupWithName);
  const envFileEntries = loader.readServiceEnvFiles(root, lookup);
  // the project's .env is read whenever --env-file is not given, and the override files whenever -f is not
  loader.wouldRead.add(path.join(projectDirectory, '.env'));
  for (const file of files) for (const n of OVERRIDE_FILE_NAMES) loader.wouldRead.add(path.join(path.dirname(file), n));
  return {
    wouldRead: new Set([...loader.wouldRead, ...loader.paths.values()]),
    inactiveServices: inactive,
    envFileEntries,
    name,
    directory: projectDirectory,
    mode: mode.mode,
    modeReason: mode.reason,
    files: loader.composeFiles,
    root,
    profiles,
    sources: loader.sources,
    paths: loader.paths,
    diagnostics: loader.diagnostics,
    lookup: lookupWithName,
  };
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Finds the Compose file in `dir` or its parents, plus its override file, as Compose does. */
function discover(dir: string, exists: (file: string) => boolean): string[] {
  for (let current = dir; ; current = path.dirname(current)) {
    const found = COMPOSE_FILE_NAMES.map((n) => path.join(current, n)).find(exists);
    if (found) {
      const override = OVERRIDE_FILE_NAMES.map((n) => path.join(current, n)).find(exists);
      return override ? [found, override] : [found];
    }
    if (path.dirname(current) === current) break;
  }
  throw new InputError(`no Compose file found in ${dir} or its parents (looked for ${COMPOSE_FILE_NAMES.join(', ')}); pass one with -f`, 'ENOFILE');
}

function activeProfiles(requested: string[] | undefined, lookup: Lookup): Set<string> {
  const list = requested?.length ? requested : (lookup('COMPOSE_PROFILES') ?? '').split(',');
  return new Set(list.map((p) => p.trim()).filter(Boolean));
}

/** Services none of whose profiles is active (`*` activates all); Compose leaves them out. */
function inactiveServices(root: MapNode, profiles: Set<string>): Entry[] {
  const services = get(root, 'services');
  if (!isMap(services) || profiles.has('*')) return [];
  return [...services.entries.values()].filter((e) => {
    const names = profilesOf(e.value);
    return names.length > 0 && !names.some((n) => profiles.has(n));
  });
}

function withoutServices(root: MapNode, removed: Entry[]): MapNode {
  if (removed.length === 0) return root;
  const servicesEntry = root.entries.get('services')!;
  const services = servicesEntry.value as MapNode;
  const entries = new Map(root.entries);
  entries.set('services', { ...servicesEntry, value: { ...services, entries: new Map([...services.entries].filter(([, e]) => !removed.includes(e))) } });
  return { ...root, entries };
}

/** compose-go's NormalizeProjectName: lowercase, keep [a-z0-9_-], no leading `_` or `-`. */
export function normaliseProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

/**
 * The project name as compose-go decides it (cli/options.go withNamePrecedenceLoad, loader/loader.go projectName):
 * `-p`, else COMPOSE_PROJECT_NAME (both must already be normalised, or Compose refuses them: InputError EUSAGE),
 * else the last non-empty top-level `name` of the files, interpolated and normalised, else the directory's
 * name, normalised.
 */
function projectName(given: string | undefined, lookup: Lookup, namesInFiles: string[], directory: string): string {
  for (const [imperative, source] of [
    [given, '-p'],
    [lookup('COMPOSE_PROJECT_NAME'), 'COMPOSE_PROJECT_NAME'],
  ] as const) {
    if (imperative === undefined || imperative === '') continue;
    if (normaliseProjectName(imperative) !== imperative) {
      // compose-go loader/loader.go InvalidProjectNameErr
      throw new InputError(
        `invalid project name "${imperative}" (${source}): must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number; try "${normaliseProjectName(imperative)}"`,
        'EUSAGE',
      );
    }
    return imperative;
  }
  const fromFile = namesInFiles
    .map((n) => normaliseProjectName(interpolateString(n, lookup).value))
    .filter(Boolean)
    .pop();
  return fromFile ?? normaliseProjectName(path.basename(directory));
}

class Loader {
  readonly diagnostics: Diagnostic[] = [];
  readonly sources = new Map<string, string>();
  readonly paths = new Map<string, string>();
  readonly composeFiles: string[] = [];
  /** every absolute path looked for, found or not (see LoadedProject.wouldRead) */
  readonly wouldRead = new Set<string>();
  private readonly extendedFiles = new Map<string, MapNode | undefined>();
  private readonly includeStack: string[] = [];
  /** files being loaded inside one another (include and extends.file), for MAX_CHAIN_DEPTH */
  private nesting = 0;
  /** included trees by the including project's lookup and the include entry: a file included twice is read once */
  private readonly included = new WeakMap<Lookup, Map<string, MapNode | undefined>>();
  /** files parsed ahead by namesInFiles, taken (once) by loadFile */
  private readonly parsedAhead = new Map<string, ReturnType<typeof parseYaml>>();
  /** the message part listing each services map's keys, built once per map */
  private readonly serviceLists = new WeakMap<MapNode, string>();

  constructor(
    private readonly cwd: string,
    private readonly overlay: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** Whether `file` exists: on disk, or as a text of the overlay. */
  exists(file: string): boolean {
    this.wouldRead.add(file);
    return this.overlay.has(file) || fs.existsSync(file);
  }

  display(file: string): string {
    const relative = path.relative(this.cwd, file);
    return relative === '' ? file : relative;
  }

  /** Reads a file of the project; `kind` ("Compose file", "env file") names it in an InputError. */
  private read(file: string, kind: 'Compose file' | 'env file'): string {
    const shown = this.display(file);
    const text = this.overlay.get(file) ?? readText(file, shown, kind);
    this.sources.set(shown, text);
    this.paths.set(shown, file);
    return text;
  }

  /** `--env-file` files in order (later wins), or the project's `.env` when none is given. */
  readEnvFiles(envFiles: string[] | undefined, projectDirectory: string, processEnv: Record<string, string | undefined>): Map<string, string> {
    const values = new Map<string, string>();
    const files = envFiles?.length ? envFiles.map((f) => path.resolve(this.cwd, f)) : [path.join(projectDirectory, '.env')];
    for (const file of files) {
      if (!envFiles?.length && !this.exists(file)) continue;
      if (isDirectory(file) && !envFiles?.length) continue;
      const text = this.read(file, 'env file');
      const parsed = parseEnvFile(this.display(file), text, (n) => processEnv[n] ?? values.get(n));
      for (const error of parsed.errors) this.diagnostics.push({ ruleId: 'compose-load', severity: 'error', message: error.message, span: error.span });
      for (const e of parsed.entries) values.set(e.key, e.value);
    }
    return values;
  }

  /** Reads each service's `env_file` (paths are absolute by now); a missing required file is an error at its entry. */
  readServiceEnvFiles(root: MapNode, lookup: Lookup): Map<string, EnvEntry[]> {
    const out = new Map<string, EnvEntry[]>();
    const services = get(root, 'services');
    if (!isMap(services)) return out;
    for (const e of services.entries.values()) {
      const envFile = get(e.value, 'env_file');
      for (const item of isSeq(envFile) ? envFile.items : envFile ? [envFile] : []) {
        const target = isMap(item) ? get(item, 'path') : item;
        const required = isMap(item) ? get(item, 'required') : undefined;
        if (!isScalar(target) || typeof target.value !== 'string' || target.unknown || out.has(target.value)) continue;
        const file = target.value;
        if (!this.exists(file) || isDirectory(file)) {
          if (!(isScalar(required) && (required.value === false || required.value === 'false'))) {
            this.diagnostics.push({
              ruleId: 'compose-load',
              severity: 'error',
              message: `env file "${this.display(file)}" of service "${e.key}" does not exist; Compose refuses to start the service. create it or mark it "required: false"`,
              span: target.span,
            });
          }
          continue;
        }
        const parsed = parseEnvFile(this.display(file), this.read(file, 'env file'), lookup);
        for (const error of parsed.errors) this.diagnostics.push({ ruleId: 'compose-load', severity: 'error', message: error.message, span: error.span });
        out.set(file, parsed.entries);
      }
    }
    return out;
  }

  /**
   * The raw (not interpolated) top-level `name` of each document of the `-f` files, in order, as compose-go's
   * projectName reads them before loading. The files are parsed here once; loadFile takes the parse.
   */
  namesInFiles(files: string[]): string[] {
    const names: string[] = [];
    for (const file of files) {
      if (this.parsedAhead.has(file)) continue;
      const parsed = parseYaml(this.display(file), this.read(file, 'Compose file'));
      this.parsedAhead.set(file, parsed);
      for (const document of parsed.documents) {
        const name = get(document, 'name');
        if (isScalar(name) && name.value !== null && name.value !== '') names.push(String(name.value));
      }
    }
    return names;
  }

  /** Parses, interpolates and path-resolves one Compose file. */
  loadFile(file: string, lookup: Lookup, baseDirectory: string): MapNode | undefined {
    const ahead = this.parsedAhead.get(file);
    this.parsedAhead.delete(file);
    const text = ahead ? this.sources.get(this.display(file))! : this.read(file, 'Compose file');
    const shown = this.display(file);
    if (!this.composeFiles.includes(shown)) this.composeFiles.push(shown);
    const parsed = ahead ?? parseYaml(shown, text);
    for (const d of parsed.diagnostics) this.diagnostics.push(d);
    if (parsed.diagnostics.some((d) => d.severity === 'error')) return undefined;
    if (parsed.documents.length === 0) {
      this.diagnostics.push({ ruleId: 'compose-load', severity: 'error', message: 'empty Compose file; it needs at least a "services" key', span: { file: shown, line: 1, column: 1, endLine: 1, endColumn: 1 } });
      return undefined;
    }
    let result: MapNode | undefined;
    const budget = expansionBudget(text);
    for (const document of parsed.documents) {
      if (!isMap(document)) {
        this.diagnostics.push({ ruleId: 'compose-schema', severity: 'error', message: `a Compose file must be a mapping at the top level, not a ${document.kind === 'seq' ? 'list' : 'scalar'}`, span: document.span });
        continue;
      }
      // past the expansion budget the file is not read further (the error is at the scalar where it ran out)
      if (!interpolateTree(document, lookup, this.diagnostics, budget)) return undefined;
      this.diagnostics.push(...externalNameDiagnostics(document));
      omitEmptyDns(document);
      resolveRelativePaths(document, baseDirectory, path.dirname(file));
      // as compose-go's loadYamlFile: `include` is applied to each file (document) before `extends`, so an
      // extends can name an included service, and before the files merge, so a later -f file overrides it
      this.includeStack.push(file);
      let withIncludes: MapNode;
      try {
        withIncludes = this.applyIncludes(document, lookup, baseDirectory);
      } finally {
        this.includeStack.pop();
      }
      // as compose-go: extends is resolved within each file, before files merge, while !reset/!override tags are still there;
      // a relative extends.file is resolved against the project's working directory (compose-go's localResourceLoader)
      const extended = this.applyExtends(withIncludes, lookup, baseDirectory);
      result = result ? mergeFiles(result, extended) : extended;
    }
    return result;
  }

  /**
   * `include`: each entry is its own project (own directory and .env); its resources are added to `root`. A resource
   * `root` defines too is merged, the local definition over the included one (compose-go v2.10+ importResource).
   */
  applyIncludes(root: MapNode, lookup: Lookup, projectDirectory: string): MapNode {
    const include = root.entries.get('include');
    if (!include) return root;
    const entries = new Map(root.entries);
    entries.delete('include');
    let result: MapNode = { ...root, entries };
    const items = isSeq(include.value) ? include.value.items : [include.value];
    for (const item of items) {
      const spec = includeSpec(item, projectDirectory);
      if (!spec) {
        this.diagnostics.push({ ruleId: 'compose-load', severity: 'error', message: 'an "include" entry needs a path', span: item.span });
        continue;
      }
      const missing = spec.paths.find((p) => !this.exists(p));
      if (missing) {
        const message = `included file "${this.display(missing)}" does not exist; Compose refuses to load a project whose include is missing. create the file, or correct the path (relative to the directory of the including project)`;
        this.diagnostics.push({ ruleId: 'compose-load', severity: 'error', message, span: item.span });
        continue;
      }
      if (this.includeStack.includes(spec.paths[0])) {
        // compose-go ApplyInclude: "include cycle detected"
        const chain = [...this.includeStack.slice(this.includeStack.indexOf(spec.paths[0])), spec.paths[0]].map((f) => `"${this.display(f)}"`);
        this.diagnostics.push({ ruleId: 'compose-load', severity: 'error', message: `include cycle detected: ${chain.join(' includes ')}; Compose refuses the project. remove one of the includes`, span: item.span });
        continue;
      }
      if (this.nesting >= MAX_CHAIN_DEPTH) {
        this.diagnostics.push({ ruleId: 'compose-load', severity: 'error', message: tooDeepMessage('included'), span: item.span });
        continue;
      }
      // the same entry under the same variables gives the same tree: reading it once keeps a file that includes
      // another twice, which includes another twice…, linear instead of exponential
      const cache = this.included.get(lookup) ?? new Map<string, MapNode | undefined>();
      this.included.set(lookup, cache);
      const cacheKey = JSON.stringify([spec.paths, spec.directory, spec.envFiles]);
      if (!cache.has(cacheKey)) cache.set(cacheKey, this.loadIncluded(spec, lookup));
      const included = cache.get(cacheKey);
      if (included) result = this.addIncluded(result, included, item.span);
    }
    return result;
  }

  /** Loads one include entry as its own project: its env files, its files merged in order, its own includes. */
  private loadIncluded(spec: IncludeSpec, lookup: Lookup): MapNode | undefined {
    const envValues = this.readEnvFiles(spec.envFiles.length ? spec.envFiles : undefined, spec.directory, {});
    // variables of the including project win over the included project's own env files
    const includedLookup: Lookup = (name) => lookup(name) ?? envValues.get(name);
    let included: MapNode | undefined;
    this.nesting++;
    try {
      for (const file of spec.paths) {
        const tree = this.loadFile(file, includedLookup, spec.directory);
        if (tree) included = included ? mergeFiles(included, tree) : applyResets(tree);
      }
    } finally {
      this.nesting--;
    }
    return included;
  }

  private addIncluded(root: MapNode, included: MapNode, at: Span): MapNode {
    const entries = new Map(root.entries);
    for (const section of ['services', 'networks', 'volumes', 'configs', 'secrets', 'models']) {
      const theirs = get(included, section);
      if (!isMap(theirs)) continue;
      const ourEntry = entries.get(section);
      const ours = ourEntry && isMap(ourEntry.value) ? ourEntry.value : mapNode(at);
      const merged = new Map(ours.entries);
      for (const [key, e] of theirs.entries) {
        const local = merged.get(key);
        // compose-go importResource: MergeYaml(included, local), the local definition winning
        merged.set(key, local ? mergeResource(section, e, local) : e);
      }
      entries.set(section, { key: section, keySpan: ourEntry?.keySpan ?? at, value: { ...ours, entries: merged } });
    }
    return { ...root, entries };
  }

  /** Resolves `extends` on every service of one file, recursively (a `file:` base is loaded with its own extends); cycles and missing bases are reported. */
  applyExtends(root: MapNode, lookup: Lookup, workingDirectory: string): MapNode {
    const servicesEntry = root.entries.get('services');
    if (!servicesEntry || !isMap(servicesEntry.value)) return root;
    const services = servicesEntry.value;
    const resolved = new Map<string, Node>();
    const resolve = (name: string, source: MapNode, chain: string[]): Node | undefined => {
      const key = `${source.span.file}\0${name}`;
      if (source === services && resolved.has(name)) return resolved.get(name);
      const e = source.entries.get(name);
      if (!e) return undefined;
      const spec = get(e.value, 'extends');
      if (!spec || !isMap(e.value)) return e.value;
      const target = isScalar(spec) ? { service: String(spec.value), file: undefined } : { service: scalarString(get(spec, 'service')), file: scalarString(get(spec, 'file')) };
      const withoutExtends: MapNode = { ...e.value, entries: new Map([...e.value.entries].filter(([k]) => k !== 'extends')) };
      if (!target.service) {
        this.diagnostics.push({ ruleId: 'compose-load', severity: 'error', message: `"extends" of service "${name}" needs a service name`, span: spec.span });
        return withoutExtends;
      }
      let baseServices = source;
      let baseFileShown = '';
      if (chain.length >= MAX_CHAIN_DEPTH || (target.file && this.nesting >= MAX_CHAIN_DEPTH)) {
        this.diagnostics.push({ ruleId: 'compose-load', severity: 'error', message: tooDeepMessage(`extended by service "${name}"`), span: spec.span });
        return withoutExtends;
      }
      if (target.file) {
        const file = path.resolve(workingDirectory, target.file);
        const loaded = this.loadExtendedFile(file, lookup);
        baseFileShown = ` in "${this.display(file)}"`;
        if (!loaded) {
          const message = this.exists(file)
            ? `service "${name}" extends ${quoteValue(target.service)} in "${this.display(file)}", a file Compose cannot load; the service cannot be built from it. fix the errors reported in that file`
            : `service "${name}" extends ${quoteValue(target.service)} in "${this.display(file)}", which does not exist; Compose refuses to load the project. create the file, or correct "file" (relative to the directory of the file that names it)`;
          this.diagnostics.push({ ruleId: 'compose-load', severity: 'error', message, span: get(spec, 'file')!.span });
          return withoutExtends;
        }
        const loadedServices = get(loaded, 'services');
        baseServices = isMap(loadedServices) ? loadedServices : mapNode(loaded.span);
      }
      if (chain.includes(key + '\0' + target.service) || (baseServices === source && target.service === name)) {
        this.diagnostics.push({ ruleId: 'compose-load', severity: 'error', message: `service "${name}" extends ${quoteValue(target.service)}, which extends it back; break the cycle`, span: spec.span });
        return withoutExtends;
      }
      let base = resolve(target.service, baseServices, [...chain, key + '\0' + target.service]);
      // a service declared as null (`nil:` with nothing after it) is an empty service that can be extended
      // (compose-go loader/extends_test.go TestExtendsNil)
      if (isScalar(base) && base.value === null) base = mapNode(base.span);
      if (!base || !isMap(base)) {
        let known = this.serviceLists.get(baseServices);
        if (known === undefined) this.serviceLists.set(baseServices, (known = quotedList([...baseServices.entries.keys()].sort())));
        this.diagnostics.push({
          ruleId: 'compose-load',
          severity: 'error',
          message: `service "${name}" extends ${quoteValue(target.service)}, which is not defined${baseFileShown}; defined services: ${known || 'none'}`,
          span: (isMap(spec) ? get(spec, 'service') : spec)?.span ?? spec.span,
        });
        return withoutExtends;
      }
      const merged = mergeService(base, withoutExtends);
      if (source === services) resolved.set(name, merged);
      return merged;
    };
    const entries = new Map<string, Entry>();
    for (const [name, e] of services.entries) entries.set(name, { ...e, value: resolve(name, services, []) ?? e.value });
    const rootEntries = new Map(root.entries);
    rootEntries.set('services', { ...servicesEntry, value: { ...services, entries } });
    return { ...root, entries: rootEntries };
  }

  private loadExtendedFile(file: string, lookup: Lookup): MapNode | undefined {
    if (this.extendedFiles.has(file)) return this.extendedFiles.get(file);
    this.extendedFiles.set(file, undefined);
    if (!this.exists(file)) return undefined;
    this.nesting++;
    let tree: MapNode | undefined;
    try {
      tree = this.loadFile(file, lookup, path.dirname(file));
    } finally {
      this.nesting--;
    }
    const result = tree ? applyResets(tree) : undefined;
    this.extendedFiles.set(file, result);
    return result;
  }
}

/** One resource defined both in an included project and locally: merged as two files would be, the local one last. */
function mergeResource(section: string, included: Entry, local: Entry): Entry {
  const wrap = (e: Entry): MapNode => mapNode(e.keySpan, [{ key: section, keySpan: e.keySpan, value: mapNode(e.keySpan, [e]) }]);
  const merged = get(mergeFiles(wrap(included), wrap(local)), section) as MapNode;
  return merged.entries.get(local.key)!;
}

function tooDeepMessage(what: string): string {
  return `the chain of services and files ${what} here is more than ${MAX_CHAIN_DEPTH} links long; compose-netlint follows at most ${MAX_CHAIN_DEPTH}. shorten the chain`;
}

function scalarString(node: Node | undefined): string | undefined {
  return isScalar(node) && node.value !== null ? String(node.value) : undefined;
}

interface IncludeSpec {
  paths: string[];
  directory: string;
  envFiles: string[];
}

function includeSpec(item: Node, projectDirectory: string): IncludeSpec | undefined {
  const resolveAll = (node: Node | undefined, base: string): string[] => (!node ? [] : isSeq(node) ? node.items.flatMap((n) => resolveAll(n, base)) : isScalar(node) && node.value !== null ? [path.resolve(base, String(node.value))] : []);
  if (isScalar(item)) {
    const paths = resolveAll(item, projectDirectory);
    return paths.length ? { paths, directory: path.dirname(paths[0]), envFiles: [] } : undefined;
  }
  if (!isMap(item)) return undefined;
  const paths = resolveAll(get(item, 'path'), projectDirectory);
  if (!paths.length) return undefined;
  const dirNode = get(item, 'project_directory');
  const directory = isScalar(dirNode) && dirNode.value !== null ? path.resolve(projectDirectory, String(dirNode.value)) : path.dirname(paths[0]);
  return { paths, directory, envFiles: resolveAll(get(item, 'env_file'), projectDirectory) };
}

/**
 * A bare `environment` name (`- NAME`, or `NAME:` with no value) takes its value from the project's environment
 * (shell, then .env) when set there, as compose-go's WithServicesEnvironmentResolved (MappingWithEquals.Resolve)
 * does; an unset one stays bare (Compose passes nothing). The scalar keeps its span and its text as `raw`.
 */
function resolveBareEnvironment(root: MapNode, lookup: Lookup): void {
  const services = get(root, 'services');
  if (!isMap(services)) return;
  for (const e of services.entries.values()) {
    const environment = get(e.value, 'environment');
    if (isSeq(environment)) {
      for (const item of environment.items) {
        if (!isScalar(item) || typeof item.value !== 'string' || item.unknown || item.value.includes('=')) continue;
        const value = lookup(item.value);
        if (value === undefined) continue;
        item.raw ??= item.value;
        item.value = `${item.value}=${value}`;
      }
    } else if (isMap(environment)) {
      for (const [name, entry] of environment.entries) {
        const value = isScalar(entry.value) && entry.value.value === null ? lookup(name) : undefined;
        if (value !== undefined) entry.value = { ...entry.value, value, raw: '' } as ScalarNode;
      }
    }
  }
}

/**
 * compose-go loader/omitEmpty.go OmitEmpty, run on each file after interpolation: `dns` (a string or a list, as
 * transform/canonical.go transformStringOrList reads it) loses its empty entries, so `dns: ${UNSET}` is no dns at
 * all (loader/tests/dns_test.go TestDNSOmitEmpty: len(DNS) == 0), not `[""]`. A list left empty is removed.
 */
function omitEmptyDns(file: MapNode): void {
  const services = get(file, 'services');
  if (!isMap(services)) return;
  for (const e of services.entries.values()) {
    if (!isMap(e.value)) continue;
    const dns = e.value.entries.get('dns');
    if (!dns) continue;
    const items = isSeq(dns.value) ? dns.value.items : [dns.value];
    const kept = items.filter((n) => !(isScalar(n) && (n.value === null || n.value === '')));
    if (kept.length === items.length) continue;
    if (kept.length === 0) e.value.entries.delete('dns');
    else if (isSeq(dns.value)) dns.value = { ...dns.value, items: kept };
  }
}

/** Makes `env_file` paths absolute (Compose resolves them against the project directory) so later merges keep their meaning. */
function resolveRelativePaths(root: MapNode, projectDirectory: string, _fileDirectory: string): void {
  const services = get(root, 'services');
  if (!isMap(services)) return;
  for (const e of services.entries.values()) {
    const envFile = get(e.value, 'env_file');
    const items = isSeq(envFile) ? envFile.items : envFile ? [envFile] : [];
    for (const item of items) {
      const target = isMap(item) ? get(item, 'path') : item;
      if (isScalar(target) && typeof target.value === 'string' && !target.unknown) target.value = path.resolve(projectDirectory, target.value);
    }
  }
}
