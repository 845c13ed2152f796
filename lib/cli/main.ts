import * as fs from 'node:fs';
import { SEVERITY_RANK, type Finding } from '../engine/finding';
import { docsUrl } from '../engine/rule';
import { lintProject, type ProjectResult } from '../lint';
import { formatters } from '../report';
import { InputError } from '../source/diagnostic';
import { packageVersion } from '../util/package';
import { parseRuleOverrides } from '../engine/config';
import { rules } from '../../rules';
import { HELP, parseCli, type CliOptions } from './args';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
  isTty: boolean;
}

/** Runs the CLI and returns its exit code; never throws. */
export function main(argv: string[], io: Io): number {
  let debug = argv.includes('--debug');
  try {
    const options = parseCli(argv);
    debug = options.debug;
    if (options.help) return io.stdout(HELP), 0;
    if (options.version) return io.stdout(`${packageVersion()}\n`), 0;
    if (options.command === 'rules') return listRules(options, io);
    if (options.command !== 'lint') throw new InputError(`the "${options.command}" command is not available in this version`);
    return lint(options, io);
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr(`compose-netlint: ${error.message}\n`);
      return 2;
    }
    io.stderr(`compose-netlint: internal error: ${(error as Error).message ?? String(error)}${debug ? `\n${(error as Error).stack}` : ' (run with --debug for details)'}\n`);
    return 2;
  }
}

function lint(options: CliOptions, io: Io): number {
  const formatter = formatters[options.format];
  if (!formatter) throw new InputError(`unknown format "${options.format}"; use ${Object.keys(formatters).sort().join(' or ')}`);
  const ruleLevels = parseRuleOverrides(options.rules, rules);
  const targets = options.paths.length ? options.paths.map((p) => ({ target: p })) : [{ files: options.files }];
  const results: ProjectResult[] = targets.map((t) =>
    lintProject({
      ...t,
      cwd: io.cwd,
      env: io.env,
      projectName: options.projectName,
      projectDirectory: options.projectDirectory,
      envFiles: options.envFiles,
      profiles: options.profiles,
      mode: options.mode,
      configFile: options.config,
      ruleLevels,
    }),
  );
  let findings: Finding[] = results.flatMap((r) => r.findings).filter((f) => !f.suppressed);
  if (options.quiet) findings = findings.filter((f) => f.severity === 'error');
  // each project fails at its own configuration's threshold (failOn, default error)
  const failing = results.flatMap((r) => r.findings.filter((f) => !f.suppressed && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[r.config.failOn])).length;
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const exitCode = failing > 0 || (options.maxWarnings >= 0 && warnings > options.maxWarnings) ? 1 : 0;
  const sources = new Map(results.flatMap((r) => [...r.project.sources]));
  const color = options.color ?? (io.isTty && !io.env.NO_COLOR && !options.output);
  const report = formatter({
    findings,
    sources,
    projects: results.map((r) => ({ name: r.project.name, mode: r.project.mode, files: r.project.files })),
    color,
    toolVersion: packageVersion(),
    exitCode,
  });
  if (options.output) {
    try {
      fs.writeFileSync(options.output, report);
    } catch (error) {
      throw new InputError(`cannot write ${options.output} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 'EREAD');
    }
  } else io.stdout(report);
  if (options.maxWarnings >= 0 && warnings > options.maxWarnings && errors === 0) {
    io.stderr(`compose-netlint: ${warnings} warnings exceed --max-warnings ${options.maxWarnings}\n`);
  }
  return exitCode;
}

function listRules(options: CliOptions, io: Io): number {
  const list = rules.map((r) => ({ id: r.id, severity: r.severity, category: r.category, modes: r.modes ?? ['compose', 'stack'], description: r.description, docsUrl: docsUrl(r.id) }));
  if (options.format === 'json') return io.stdout(JSON.stringify({ rules: list }, null, 2) + '\n'), 0;
  if (options.format !== 'stylish') throw new InputError(`unknown format "${options.format}" for rules; use json or stylish`);
  const width = Math.max(...list.map((r) => r.id.length));
  for (const r of list) io.stdout(`${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.category.padEnd(11)}  ${r.description}${r.modes.length === 1 ? ` (${r.modes[0]} only)` : ''}\n`);
  return 0;
}
