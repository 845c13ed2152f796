import { setMaxListeners } from 'node:events';
import type { Finding } from '../engine/finding';
import { lintProject } from '../lint';
import { lintOptions } from '../project-options';
import type { NetworkGraph } from '../model/graph';
import type { EngineTarget } from '../model/engine-target';
import { oneLine } from '../report/shared';
import { InputError } from '../source/diagnostic';
import { parseRuleOverrides } from '../engine/config';
import { rules } from '../../rules';
import { applicationCases, applicationVerdicts, markSources, NothingToProbeError, runningApplication, settledSockets, startApplication } from './application';
import { publishedAsWritten } from './attach';
import { describeRemoved, removeLabelled } from './cleanup';
import { CollisionError, takeLease, twinClaims } from './collide';
import { connect, engineName, EngineError, type Engine } from './engine';
import { DEFAULT_LIMITS, EngineFault, type EngineLimits } from './guard';
import { executeCases } from './execute';
import { ensureImage, ImageError, imageTools, missingToolNotes } from './image';
import { cleanupCommand, cleanupRuns, dockerRemoval } from './leftovers';
import { parseProbeArgs, PROBE_HELP, UsageError, type ProbeOptions } from './options';
import { localProcesses, ownerLabels } from './owner';
import { composeRefusal, planProbes } from './plan';
import { planPublishing } from './publish';
import { waitReady } from './ready';
import { formatJson, formatJunit, formatText } from './report';
import { REQUIRED_TOOLS } from './scripts';
import { buildStackTwin } from './stack';
import { buildComposeTwin, newTwin, twinReplicas, type Twin } from './twin';
import { isSocketError } from './listening';
import type { CaseResult, FindingVerdict, ProbeCase, ProbeMode, ProbeReport, Summary } from './types';
import { AbortedError, checkAborted, errorLine, newRunId } from './util';
import { decide, linkFindings, markPredicted } from './verdicts';
import { refuseInputOverwrite, writeOutput } from '../util/output';
import type { LoadedProject } from '../source/project';

export type { ProbeReport, ProbeCase, CaseResult, FindingVerdict } from './types';
export { cellOf, matrices } from './report';
export { RUN_LABEL, PROJECT_LABEL } from './engine';

export interface ProbeIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** Seams for tests and embedding: nothing here is needed to run the command. */
export interface ProbeHooks {
  /** replaces the linter's findings (tests inject findings of rules not yet written, or wrong ones) */
  findings?: (findings: Finding[], graph: NetworkGraph) => Finding[];
  /** overrides a case's prediction; undefined keeps the graph's */
  expect?: (c: ProbeCase) => boolean | undefined;
  /** called once the twin is up, before readiness and probes */
  built?: (run: string) => void | Promise<void>;
  /** receives the finished report */
  report?: (report: ProbeReport) => void;
}

/** Raised when the twin cannot be built at all. */
class TwinError extends Error {}

/**
 * With --use-external the twin joins the project's real external networks, so one that the engine does not have stops
 * the run before anything is created, as it stops the project: `docker compose up` refuses it ("network X declared as
 * external, but could not be found", compose v2 pkg/compose/create.go resolveExternalNetwork) and so does `docker stack
 * deploy` (docker/cli cli/command/stack/swarm/deploy_composefile.go validateExternalNetworks). Only networks a service
 * attaches to are looked up, as both do. Throws TwinError naming every missing network.
 */
async function requireExternalNetworks(engine: Engine, graph: NetworkGraph): Promise<void> {
  const missing: string[] = [];
  for (const network of graph.networks.values()) {
    if (network.external?.value !== true || graph.attachmentsOn(network.name).length === 0) continue;
    try {
      await engine.docker.getNetwork(network.dockerName).inspect();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      missing.push(`"${network.dockerName}"`);
    }
  }
  if (missing.length === 0) return;
  const many = missing.length > 1;
  throw new TwinError(
    `cannot probe with --use-external: external network${many ? 's' : ''} ${missing.join(', ')} ${many ? 'are' : 'is'} declared but not on the engine, so Compose refuses the project ("declared as external, but could not be found"). create ${many ? 'them' : 'it'} with docker network create, or probe without --use-external to use stand-ins`,
  );
}

const TRIES = 3;

/**
 * `compose-netlint probe`: lints the project, builds its network twin on the engine, probes it,
 * tears it down and prints the findings' verdicts, the matrices and a summary.
 * Returns 0 (all agree), 1 (a disagreement, a failed probe or a refuted finding), 2 (usage,
 * an unreachable or faulty engine, image or twin trouble), 130/143 (interrupted by SIGINT/SIGTERM;
 * the twin is removed unless a second SIGINT came). Never throws.
 */
export async function runProbeCommand(argv: string[], io: ProbeIo, hooks: ProbeHooks = {}): Promise<number> {
  const started = Date.now();
  let options: ProbeOptions;
  try {
    options = parseProbeArgs(argv);
  } catch (error) {
    io.stderr(`compose-netlint: ${(error as Error).message}\n`);
    return 2;
  }
  if (options.help) return (io.stdout(PROBE_HELP), 0);
  const say = (text: string): void => io.stderr(`probe: [${((Date.now() - started) / 1000).toFixed(1)}s] ${oneLine(text)}\n`);
  const controller = new AbortController();
  // every exec running at once, and the host probes, wait on the run's signal
  setMaxListeners(options.concurrency + 64, controller.signal);
  const state: { run?: string } = {};
  let stopping: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!stopping) {
      stopping = signal;
      say(`${signal}: stopping; removing the twin (press Ctrl-C again to leave it behind)`);
      controller.abort(signal);
      return;
    }
    // only a person presses Ctrl-C twice; SIGTERM comes from a supervisor, and a cancelled CI job sends
    // SIGINT, then SIGTERM 7.5 s later: the teardown goes on (it is bounded) and the exit code stays the first signal's
    if (signal === 'SIGTERM') {
      say(`SIGTERM: still removing the twin (at most ${TEARDOWN_MS / 1000}s); press Ctrl-C again to leave it behind`);
      return;
    }
    say(state.run ? `left the twin behind; remove it with \`${cleanupCommand(state.run)}\`` : 'stopped before the run created anything');
    process.exit(130);
  };
  const onInt = (): void => onSignal('SIGINT');
  const onTerm = (): void => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const limits: EngineLimits = { ...DEFAULT_LIMITS, callMs: options.engineTimeout * 1000 };
  try {
    if (options.cleanup) {
      const engine = await connect(io.env, limits);
      try {
        const code = await cleanupRuns(engine, { run: options.cleanupRun, project: options.cleanupProject, all: options.cleanupAll, olderThanMs: options.olderThanMs }, io);
        if (engine.guard.fault) throw engine.guard.fault;
        return code;
      } finally {
        engine.guard.close();
      }
    }
    return await probe(options, io, hooks, { controller, limits }, say, started, state);
  } catch (error) {
    if (error instanceof AbortedError) return error.signal === 'SIGTERM' ? 143 : 130;
    if (
      error instanceof EngineError ||
      error instanceof EngineFault ||
      error instanceof ImageError ||
      error instanceof TwinError ||
      error instanceof NothingToProbeError ||
      error instanceof InputError ||
      error instanceof UsageError ||
      error instanceof CollisionError
    ) {
      io.stderr(`compose-netlint: ${oneLine(error.message)}\n`);
      return 2;
    }
    io.stderr(`compose-netlint: internal error in probe: ${oneLine(errorLine(error))}${options.debug ? `\n${(error as Error).stack}` : ' (run with --debug for details)'}\n`);
    return 2;
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

/** How long the teardown may take in all; then its connections are dropped and what is left is reported. */
const TEARDOWN_MS = 120_000;

async function probe(options: ProbeOptions, io: ProbeIo, hooks: ProbeHooks, run: { controller: AbortController; limits: EngineLimits }, say: (t: string) => void, started: number, state: { run?: string }): Promise<number> {
  const signal = run.controller.signal;
  const lintFor = (engine?: EngineTarget) => lintProject({ ...lintOptions(options, io, options.paths[0]), ruleLevels: parseRuleOverrides(options.rules, rules), ...(engine ? { engine } : {}) });
  let result = lintFor();
  if (options.output) refuseInputOverwrite(io.cwd, options.output, result.project.wouldRead);
  if (!result.graph) {
    const first = result.findings.find((f) => f.severity === 'error');
    throw new TwinError(`cannot probe: the project does not load${first ? ` (${first.file}:${first.line}:${first.column}: ${first.message})` : ''}`);
  }
  // a project Compose refuses never reaches an engine: there is nothing to build, whatever the engine
  const refused = composeRefusal(result.graph, result.findings);
  if (refused) throw new TwinError(`cannot probe: Compose refuses the project, so there is no twin to build (${refused})`);

  const engine = await connect(io.env, run.limits);
  // the findings and the expectations are those of the engine probed, whatever --engine or engine: says
  if (engine.target && engine.target.name !== result.engine.name) {
    const asked = options.engine?.name ?? result.config.engine?.target.name;
    if (asked) say(`the engine probed is ${engine.target.name} (${engine.version}), not ${asked} as ${options.engine ? '--engine' : '"engine:" in the configuration'} says: findings and expectations follow ${engine.target.name}`);
    result = lintFor(engine.target);
  }
  const graph = result.graph!;
  let findings = result.findings.filter((f) => !f.suppressed);
  if (hooks.findings) findings = hooks.findings(findings, graph);

  // a faulty engine stops the run as an interruption would, and the fault is what the run reports
  engine.guard.onFault = () => run.controller.abort('engine fault');
  try {
    checkAborted(signal);
    return await probeOn(engine, { graph, project: result.project }, findings, options, io, hooks, signal, say, started, state);
  } catch (error) {
    throw engine.guard.fault ?? error;
  } finally {
    engine.guard.close();
  }
}

async function probeOn(
  engine: Engine,
  loaded: { graph: NetworkGraph; project: LoadedProject },
  findings: Finding[],
  options: ProbeOptions,
  io: ProbeIo,
  hooks: ProbeHooks,
  signal: AbortSignal,
  say: (t: string) => void,
  started: number,
  state: { run?: string },
): Promise<number> {
  const graph = loaded.graph;
  const stack = graph.model.mode === 'stack';
  const mode: ProbeMode = options.attach ? 'attach' : options.real ? 'real' : 'twin';
  if (stack && mode !== 'twin') throw new TwinError(`--${mode} probes Compose projects, and this project is read in stack mode; give --mode compose to probe it as Compose runs it`);
  // attach: a project that is not running is said before any image is looked for or pulled
  const attached = mode === 'attach' ? await runningApplication(engine, graph) : undefined;
  if (options.useExternal && mode !== 'attach') await requireExternalNetworks(engine, graph);
  const imageId = await ensureImage(engine, options.image, say, signal);
  checkAborted(signal);
  const run = newRunId();
  state.run = run;
  say(`run ${run}: project "${graph.model.name}" (${graph.model.mode}) on ${engine.host}, engine ${engineName(engine)}${engine.swarmManager ? ', Swarm manager' : ''}`);
  const twin = newTwin(run, graph.model.name, ownerLabels(localProcesses.self(), new Date(started)));
  // the lease comes first: it names this run's owner and claims its fixed subnets and host ports, or stops the run when another holds them
  const builds = !stack || engine.swarmManager;
  // what the twin publishes, and where: loopback only (publish.ts); the lease claims exactly that
  // attach: the running project publishes what its file says, and the run creates nothing that claims a subnet or port
  const publishing = mode === 'attach' ? publishedAsWritten(graph) : planPublishing(graph, (s) => twinReplicas(s).built);
  await takeLease({ engine, twin, image: options.image, claims: builds && mode !== 'attach' ? twinClaims(graph, stack, publishing) : { subnets: [], ports: [] } });
  let results: CaseResult[];
  let verdicts: FindingVerdict[];
  try {
    const tools = await imageTools(engine, options.image, imageId, twin.labels);
    const missing = REQUIRED_TOOLS.filter((t) => !tools.has(t));
    if (missing.length) throw new ImageError(`probe image ${options.image} lacks ${missing.join(', ')}; the twin cannot run. build one with scripts/ci-docker.sh or pass --probe-image`);
    twin.notes.push(...missingToolNotes(tools, options.image));

    twin.notes.push(...publishing.notes);
    const cases = planProbes({ graph, tools, hostProbes: engine.local, publishing });
    if (mode !== 'twin') applicationCases(cases);
    const links = linkFindings(findings, { graph, cases, stack, swarm: engine.swarmManager, publishing }, rules);
    if (hooks.expect) {
      for (const c of cases) {
        const e = hooks.expect(c);
        if (e === undefined || e === c.expect) continue;
        c.expect = e;
        c.basis = `${c.basis}; overridden to ${e ? 'reachable' : 'blocked'}`;
      }
    }
    const build = { engine, graph, run, image: options.image, useExternal: options.useExternal, publishing, signal, progress: say };
    if (mode !== 'twin') await startApplication({ engine, graph, project: loaded.project, image: options.image, publishing, readyTimeout: options.readyTimeout, useExternal: options.useExternal, signal, progress: say }, mode, twin, attached);
    else if (stack && !engine.swarmManager) {
      twin.notes.push('the engine is not a Swarm manager (`docker swarm init`): the stack cannot be built, nothing is probed');
      for (const s of graph.services.keys()) twin.excluded.set(s, 'stack mode needs a Swarm manager');
    } else if (stack) await buildStackTwin(build, twin);
    else await buildComposeTwin(build, twin);
    const running = twin.containers.filter((c) => c.running);
    // a twin the engine refused a part of is still a twin: those refusals are observations, judged below;
    // only a twin of which nothing could be built, without the engine saying no to anything, stops the run
    if (!running.length && !twin.events.length && graph.services.size && !(stack && !engine.swarmManager)) {
      const why = twin.events.map((e) => e.message).concat([...twin.excluded.values()]);
      throw new TwinError(`the twin could not be built: ${why[0] ?? 'no container started'}${why.length > 1 ? ` (and ${why.length - 1} more)` : ''}`);
    }
    await hooks.built?.(run);
    if (running.length) {
      say(`waiting for ${running.length} container${running.length === 1 ? '' : 's'} to be ready`);
      await waitReady(engine, twin, graph, tools, options.concurrency, signal);
    }
    // the application's sockets are read once it listens (real: within --ready-timeout), before the probes connect
    const tables = mode === 'twin' ? undefined : await settledSockets({ engine, graph, signal }, twin, mode === 'real' ? options.readyTimeout : 0);
    results = await executeCases({ engine, twin, graph, tools, timeout: options.timeout, concurrency: options.concurrency, tries: TRIES, signal, progress: say, application: mode !== 'twin' }, cases);
    if (mode !== 'twin') markSources(results, twin);
    verdicts = decide(findings, links, results, twin.events, twin);
    markPredicted(twin.events, verdicts, graph);
    if (tables) verdicts = applicationVerdicts(graph, tables, verdicts, results);
  } finally {
    if (!options.keep || signal.aborted) {
      say(engine.guard.fault ? 'removing the twin after the engine fault' : signal.aborted ? 'removing the twin after the interruption' : 'removing the twin');
      const late = setTimeout(() => engine.guard.close(`the teardown did not finish within ${TEARDOWN_MS / 1000}s`), TEARDOWN_MS);
      const removed = await removeLabelled(engine, run).finally(() => clearTimeout(late));
      say(`removed ${describeRemoved(removed)}`);
      for (const e of removed.errors) io.stderr(`probe: could not remove ${e}\n`);
    } else {
      const how = `remove it with \`${cleanupCommand(run)}\` once this process has ended, or with docker: ${dockerRemoval(run, twin)}`;
      say(`kept the twin (--keep); ${how}`);
      twin.notes.push(`the twin is kept (--keep). ${how}`);
    }
  }

  if (engine.guard.fault) throw engine.guard.fault;
  const report = buildReport(options, engine, twin, results, verdicts, started, stack, mode);
  hooks.report?.(report);
  const text = options.format === 'json' ? formatJson(report) : options.format === 'junit' ? formatJunit(report) : formatText(report);
  if (options.output) writeOutput(io.cwd, options.output, text, []);
  else io.stdout(text);
  return report.exitCode;
}

function buildReport(options: ProbeOptions, engine: Engine, twin: Twin, results: CaseResult[], verdicts: FindingVerdict[], started: number, stack: boolean, probeMode: ProbeMode): ProbeReport {
  const run = results.filter((r) => r.final);
  const summary: Summary = {
    probes: run.length,
    agreeing: run.filter((r) => r.agrees === true).length,
    disagreeing: run.filter((r) => r.agrees === false).length,
    failed: run.filter((r) => !r.flaky && r.final!.reach === 'failed').length,
    flaky: run.filter((r) => r.flaky).length,
    notProbed: results.length - run.length,
    unpredicted: twin.events.filter((e) => e.predicted === false).length,
    seconds: (Date.now() - started) / 1000,
  };
  const refuted = verdicts.some((v) => v.verdict === 'refuted');
  // what the application's sockets show (attach, real) fails the run at error level, as a disagreement does
  const observedErrors = verdicts.some((v) => isSocketError(v.finding));
  const notes = [...twin.notes];
  for (const [service, why] of twin.excluded) notes.push(`"${service}" has no twin: ${why}`);
  return {
    run: twin.run,
    project: twin.project,
    mode: stack ? 'stack' : 'compose',
    probeMode,
    engine: { host: engine.host, version: engine.version, ...(engine.target ? { target: engine.target.name } : {}), swarm: engine.swarmManager },
    image: options.image,
    kept: options.keep,
    notes,
    findings: verdicts,
    results,
    events: twin.events,
    summary,
    // a cell whose probe failed observed nothing: the run cannot say the network behaves as predicted
    // a refusal nothing predicted is the engine disagreeing with the graph
    exitCode: summary.disagreeing > 0 || summary.unpredicted > 0 || summary.failed > 0 || refuted || observedErrors ? 1 : 0,
  };
}
