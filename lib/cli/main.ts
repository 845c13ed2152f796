import * as fs from 'node:fs';
import * as path from 'node:path';
import { SEVERITY_RANK, type Finding } from '../engine/finding';
import { docsUrl } from '../engine/rule';
import { fixProject, type FixedFile } from '../fix/project';
import { unifiedDiff } from '../fix/diff';
import { positionsBeforeFixes } from '../fix/map-back';
import { lintProject, lintProjectOfFile, type LintProjectOptions, type ProjectResult } from '../lint';
import { readStdinText, startsWithBom, UTF8_BOM } from '../source/read';
import { lintOptions } from '../project-options';
import { formatters } from '../report';
import { InputError } from '../source/diagnostic';
import { failureExit } from '../util/exit';
import { packageVersion } from '../util/package';
import { parseRuleOverrides } from '../engine/config';
import { rules } from '../../rules';
import { COMMANDS, HELP, parseCli, type CliOptions } from './args';
import { writeOutput } from '../util/output';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
  isTty: boolean;
  /** reads standard input to its end (default: file descriptor 0, bounded as files are); `display` names it in errors */
  readStdin?: (display: string) => string;
}

/** The whole CLI: `graph` and `probe` parse their own options; everything else is `main`. Never rejects. */
export async function run(argv: string[], io: Io): Promise<number> {
  // loaded on demand: lint should not pay at start-up for the other commands, nor for dockerode, which only the probe uses
  if (argv[0] === 'graph') return (require('../graph/command') as typeof import('../graph/command')).runGraphCommand(argv.slice(1), io);
  if (argv[0] === 'config') return (require('../config/command') as typeof import('../config/command')).runConfigCommand(argv.slice(1), io);
  if (argv[0] === 'probe') return (require('../probe') as typeof import('../probe')).runProbeCommand(argv.slice(1), io);
  if (argv[0] === 'lsp') return (require('../lsp/command') as typeof import('../lsp/command')).runLspCommand(argv.slice(1), io);
  return main(argv, io);
}

/** Runs `lint`, `rules` or `help` and returns the exit code; never throws. */
export function main(argv: string[], io: Io): number {
  let debug = argv.includes('--debug');
  try {
    const options = parseCli(argv);
    debug = options.debug;
    if (options.command === 'help') return (io.stdout(helpText(options.paths)), 0);
    if (options.help) return (io.stdout(HELP), 0);
    if (options.version) return (io.stdout(`${packageVersion()}\n`), 0);
    if (options.command === 'rules') {
      if (options.paths.length > 0) throw new InputError(`rules takes no arguments, not ${options.paths.map((p) => `"${p}"`).join(' ')}: it lists every rule`);
      return listRules(options, io);
    }
    if (options.command !== 'lint') throw new InputError(`the "${options.command}" command is not available in this version`);
    return lint(options, io);
  } catch (error) {
    return failureExit(error, io.stderr, debug);
  }
}

/** `help [COMMAND]`: the text `COMMAND --help` prints (the general help for lint, rules and help itself). Throws InputError for anything else. */
export function helpText(topics: string[]): string {
  if (topics.length > 1) throw new InputError(`help takes one command, not ${topics.length}`);
  const topic = topics[0];
  if (topic === 'graph') return (require('../graph/command') as typeof import('../graph/command')).GRAPH_HELP;
  if (topic === 'config') return (require('../config/command') as typeof import('../config/command')).CONFIG_HELP;
  if (topic === 'probe') return (require('../probe/options') as typeof import('../probe/options')).PROBE_HELP;
  if (topic === 'lsp') return (require('../lsp/command') as typeof import('../lsp/command')).LSP_HELP;
  if (topic === undefined || (COMMANDS as readonly string[]).includes(topic)) return HELP;
  throw new InputError(`unknown command "${topic}"; help takes ${COMMANDS.slice(0, -1).join(', ')} or ${COMMANDS[COMMANDS.length - 1]}`);
}

function lint(options: CliOptions, io: Io): number {
  const reports = options.formats.map((target) => {
    const formatter = Object.hasOwn(formatters, target.name) ? formatters[target.name] : undefined;
    if (!formatter) {
      const names = Object.keys(formatters).sort();
      throw new InputError(`unknown format "${target.name}"; use ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`);
    }
    return { ...target, formatter };
  });
  const ruleLevels = parseRuleOverrides(options.rules, rules);
  const stdin = options.files.includes('-') ? stdinFile(options, io) : undefined;
  const projectOptions = (target: string | undefined): LintProjectOptions => {
    const base = { ...lintOptions(options, io, target), ruleLevels };
    if (!stdin) return base;
    return { ...base, files: options.files.map((f) => (f === '-' ? stdin.name : f)), overlay: new Map([[path.resolve(io.cwd, stdin.name), stdin.text]]) };
  };
  /**
   * `-f -` alone: standard input stands for the file on disk named --stdin-filename, so the project is the one
   * `lint` finds in that file's directory (its override file, include and extends targets) when that project
   * reads it; otherwise, or beside other -f files or --project-directory, the -f files as given.
   */
  const stdinProject = (target: string | undefined): { options: LintProjectOptions; result: ProjectResult } | undefined => {
    if (!stdin || target !== undefined || options.files.length !== 1 || options.projectDirectory !== undefined) return undefined;
    const own = { ...projectOptions(target), files: undefined };
    const result = lintProjectOfFile(stdin.name, own);
    return result && { options: { ...own, target: path.dirname(path.resolve(io.cwd, stdin.name)) }, result };
  };
  const fixedFiles: FixedFile[] = [];
  let fixedCount = 0;
  const lintOne = (target: string | undefined): ProjectResult => {
    const own = stdinProject(target);
    if (!options.fix) return own?.result ?? lintProject(projectOptions(target));
    const fixed = fixProject(own?.options ?? projectOptions(target), options.fixSafe);
    fixedFiles.push(...fixed.files);
    fixedCount += fixed.fixed.length;
    return fixed.result;
  };
  const { results, unreadable } = lintEach(options.paths.length ? options.paths : [undefined], lintOne, io.stderr);
  if (options.fix === 'write') {
    for (const f of fixedFiles) writeFixed(f);
    if (fixedCount) io.stderr(`compose-netlint: fixed ${plural(fixedCount, 'problem')} in ${plural(fixedFiles.length, 'file')}\n`);
  } else if (options.fix === 'dry-run') {
    io.stdout(fixedFiles.map((f) => unifiedDiff(f.file, f.before, f.after)).join(''));
    io.stderr(`compose-netlint: --fix-dry-run: ${plural(fixedCount, 'fix', 'fixes')} in ${plural(fixedFiles.length, 'file')}, nothing written\n`);
  }
  // suppressed findings stay in: SARIF reports them as suppressed, the other formats leave them out
  let findings: Finding[] = results.flatMap((r) => r.findings);
  // a dry run wrote nothing: what remains is reported where it is on disk, not in the fixed text
  const unwritten = options.fix === 'dry-run' ? new Map(fixedFiles.map((f) => [f.file, f])) : new Map<string, FixedFile>();
  if (unwritten.size) findings = positionsBeforeFixes(findings, unwritten);
  if (options.quiet) findings = findings.filter((f) => f.severity === 'error');
  // each project fails at its own configuration's threshold (failOn, default error)
  const failing = results.flatMap((r) => r.findings.filter((f) => !f.suppressed && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[r.config.failOn])).length;
  const errors = findings.filter((f) => !f.suppressed && f.severity === 'error').length;
  const warnings = findings.filter((f) => !f.suppressed && f.severity === 'warning').length;
  const exitCode = failing > 0 || (options.maxWarnings >= 0 && warnings > options.maxWarnings) ? 1 : 0;
  const sources = new Map(results.flatMap((r) => [...r.project.sources].map(([file, text]) => [file, unwritten.get(file)?.before ?? text] as const)));
  const projects = results.map((r) => ({ name: r.project.name, mode: r.project.mode, modeReason: r.project.modeReason, files: r.project.files, engine: r.engine.name }));
  for (const { formatter, output } of reports) {
    const color = options.color ?? (io.isTty && !io.env.NO_COLOR && !output);
    const report = formatter({ findings, sources, projects, color, toolVersion: packageVersion(), exitCode });
    if (output)
      writeOutput(
        io.cwd,
        output,
        report,
        results.flatMap((r) => [...r.project.wouldRead]),
      );
    // a dry run's stdout is the diff, so that it applies with patch or git apply
    else if (options.fix === 'dry-run') io.stderr(report);
    else io.stdout(report);
  }
  if (options.maxWarnings >= 0 && warnings > options.maxWarnings && errors === 0) {
    io.stderr(`compose-netlint: ${warnings} warnings exceed --max-warnings ${options.maxWarnings}\n`);
  }
  return unreadable ? 2 : exitCode;
}

/** The Compose file `-f -` reads from standard input, named by --stdin-filename (default "-"). */
function stdinFile(options: CliOptions, io: Io): { name: string; text: string } {
  const name = options.stdinFilename ?? '-';
  return { name, text: (io.readStdin ?? ((display: string) => readStdinText(display, 'Compose file')))(name) };
}

/** Writes a fixed file over the original, keeping its byte-order mark (the loader drops it); throws InputError (exit 2) when it cannot. */
function writeFixed(f: FixedFile): void {
  try {
    fs.writeFileSync(f.path, (startsWithBom(f.path) ? UTF8_BOM : '') + f.after);
  } catch (error) {
    throw new InputError(`cannot write the fixes to ${f.file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 'EREAD');
  }
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Lints each path (a pre-commit hook passes every changed file). A path that cannot be read (missing,
 * unreadable, binary, too big, no Compose file: an InputError) is that path's error, one line on stderr,
 * and the others are still linted and reported; the run then exits 2. With one path, its InputError
 * stops the run as before. Other errors are internal and still stop it.
 */
export function lintEach<T>(targets: (string | undefined)[], lintOne: (target: string | undefined) => T, stderr: (text: string) => void): { results: T[]; unreadable: number } {
  const results: T[] = [];
  let unreadable = 0;
  for (const target of targets) {
    try {
      results.push(lintOne(target));
    } catch (error) {
      if (!(error instanceof InputError) || targets.length === 1) throw error;
      unreadable++;
      failureExit(error, stderr, false);
    }
  }
  return { results, unreadable };
}

function listRules(options: CliOptions, io: Io): number {
  const list = rules.map((r) => ({ id: r.id, severity: r.severity, category: r.category, modes: r.modes ?? ['compose', 'stack'], description: r.description, docsUrl: docsUrl(r.id) }));
  if (options.format === 'json') return (io.stdout(JSON.stringify({ rules: list }, null, 2) + '\n'), 0);
  if (options.format !== 'stylish') throw new InputError(`unknown format "${options.format}" for rules; use json or stylish`);
  const width = Math.max(...list.map((r) => r.id.length));
  for (const r of list) io.stdout(`${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.category.padEnd(11)}  ${r.description}${r.modes.length === 1 ? ` (${r.modes[0]} only)` : ''}\n`);
  return 0;
}
