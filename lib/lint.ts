import * as path from 'node:path';
import { defaultConfig, findConfig, loadConfig, type Config } from './engine/config';
import { compareFindings, fromDiagnostic, type Finding } from './engine/finding';
import type { Rule } from './engine/rule';
import { runRules, type Level } from './engine/run';
import { applySuppressions } from './engine/suppress';
import { fixResolver } from './fix/resolve';
import { buildGraph, DEFAULT_ENGINE, type EngineTarget, type NetworkGraph } from './model';
import { validateProject } from './schema/validate';
import { RESERVED_IDS } from './source/diagnostic';
import { loadProject, type LoadedProject, type LoadOptions } from './source/project';
import { rules as allRules } from '../rules';

export interface LintProjectOptions extends LoadOptions {
  /** the rules to run (default: every rule) */
  rules?: readonly Rule[];
  /** a configuration already loaded; otherwise `configFile`, otherwise found upward from the project directory */
  config?: Config;
  configFile?: string;
  /** `--rule id=level` overrides, applied over the configuration */
  ruleLevels?: ReadonlyMap<string, Level>;
  /** `--engine`: the engine to lint for, over the configuration's `engine:` (default DEFAULT_ENGINE, docker@29.1) */
  engine?: EngineTarget;
}

export interface ProjectResult {
  project: LoadedProject;
  graph?: NetworkGraph;
  config: Config;
  /** the engine the project was linted for: --engine, else the configuration's `engine:`, else DEFAULT_ENGINE */
  engine: EngineTarget;
  /** every finding, sorted, including suppressed ones (marked) */
  findings: Finding[];
}

const LOAD_ERRORS = new Set(['yaml-syntax', 'compose-load']);

/** Loads one project, validates it, builds its graph and runs the rules. Throws InputError for unreadable input only. */
export function lintProject(options: LintProjectOptions): ProjectResult {
  const rules = options.rules ?? allRules;
  const project = loadProject(options);
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const configFile = options.configFile ? path.resolve(cwd, options.configFile) : options.config ? undefined : findConfig(project.directory);
  const config = options.config ?? (configFile ? loadConfig(configFile, cwd, rules) : defaultConfig());
  const settings = new Map(config.rules);
  for (const [id, level] of options.ruleLevels ?? []) settings.set(id, { ...settings.get(id), level });

  const engine = options.engine ?? config.engine?.target ?? DEFAULT_ENGINE;
  const diagnostics = [...project.diagnostics, ...config.diagnostics];
  const broken = project.diagnostics.some((d) => LOAD_ERRORS.has(d.ruleId) && d.severity === 'error' && d.ruleId === 'yaml-syntax');
  let findings = diagnostics.map(fromDiagnostic);
  let graph: NetworkGraph | undefined;
  if (!broken) {
    // concat, not push(...): spreading a long list as arguments overflows the stack
    findings = findings.concat(validateProject(project.root).map(fromDiagnostic));
    graph = buildGraph(project, engine);
    findings = findings.concat(runRules(graph, rules, settings, fixResolver(project.sources)));
  }
  findings = applySuppressions(findings, project.sources, new Set([...RESERVED_IDS, ...allRules.map((r) => r.id)]));
  findings = findings.filter((f) => !config.ignored(f.file)).sort(compareFindings);
  return { project, graph, config, engine, findings };
}
