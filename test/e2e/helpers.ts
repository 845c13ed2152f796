/**
 * Helpers for the probe's end-to-end tests, which need a real Docker engine and the probe image
 * (scripts/ci-docker.sh provides both). With CI set a missing engine fails the tests; elsewhere
 * they are skipped, with one line giving the reason (test/e2e/gate.ts decides).
 */
import * as path from 'node:path';
import type { Finding } from '../../lib/engine/finding';
import type { NetworkGraph } from '../../lib/model/graph';
import { runProbeCommand, RUN_LABEL, type ProbeHooks, type ProbeReport } from '../../lib/probe';
import { connect, type Engine } from '../../lib/probe/engine';
import { matrices } from '../../lib/probe/report';
import type { ProbeKind } from '../../lib/probe/types';
import { engineGate } from './gate';

export const PROBE_IMAGE = process.env.CNL_PROBE_IMAGE ?? 'compose-netlint/probe:busybox';
export const PROJECTS = path.join(__dirname, 'projects');
export const REPO = path.join(__dirname, '..', '..');

let engine: Engine | undefined;
let problem: string | undefined;
const announced = new Set<string>();

/** Connects once; in CI a missing engine or image is an error, elsewhere a reason to skip (said once per reason). */
export async function requireEngine(context: Mocha.Context, options: { swarm?: boolean } = {}): Promise<Engine> {
  if (!engine && !problem) {
    try {
      engine = await connect(process.env);
      await engine.docker
        .getImage(PROBE_IMAGE)
        .inspect()
        .catch(() => {
          throw new Error(`the probe image ${PROBE_IMAGE} is missing`);
        });
    } catch (error) {
      problem = (error as Error).message;
      engine = undefined;
    }
  }
  const missing = problem ?? (options.swarm && !engine!.swarmManager ? 'the engine is not a Swarm manager' : undefined);
  const gate = engineGate(missing, process.env, announced);
  if (gate.action === 'fail') throw new Error(gate.message);
  if (gate.action === 'skip') {
    if (gate.line) console.log(`  ${gate.line}`);
    context.skip();
  }
  return engine!;
}

export interface ProbeRun {
  code: number;
  stdout: string;
  stderr: string;
  report?: ProbeReport;
  run?: string;
}

/** Runs the probe command in this process on a project of test/e2e/projects; `watch` sees each piece of its stderr as it is written. */
export async function probe(args: string[], hooks: ProbeHooks = {}, watch?: (text: string) => void): Promise<ProbeRun> {
  let stdout = '';
  let stderr = '';
  let report: ProbeReport | undefined;
  const code = await runProbeCommand(
    ['--probe-image', PROBE_IMAGE, '--timeout', '2', ...args],
    {
      stdout: (t) => (stdout += t),
      stderr: (t) => {
        stderr += t;
        watch?.(t);
      },
      env: process.env,
      cwd: PROJECTS,
    },
    {
      ...hooks,
      report: (r) => {
        report = r;
        hooks.report?.(r);
      },
    },
  );
  const run = /run ([0-9a-f]{8})/.exec(stderr)?.[1];
  return { code, stdout, stderr, report, run };
}

/** A matrix as `{ row: { column: cell } }`, cells `.`, `X`, `!`, `-`, `~`, with `*` on disagreement. */
export function grid(report: ProbeReport, kind: ProbeKind): Record<string, Record<string, string>> {
  const m = matrices(report).find((x) => x.kind === kind);
  if (!m) return {};
  const out: Record<string, Record<string, string>> = {};
  m.rows.forEach((row, r) => {
    out[row] = {};
    m.columns.forEach((col, c) => {
      if (m.cells[r][c] !== undefined) out[row][col] = m.cells[r][c]!;
    });
  });
  return out;
}

/** Each finding as "ruleId service-or-network: verdict". */
export function verdicts(report: ProbeReport): string[] {
  return report.findings.map((v) => `${v.finding.ruleId} ${v.finding.service ?? v.finding.network ?? ''}: ${v.verdict}`);
}

/** Everything on the engine that carries a run's label (or any run's). */
export async function labelled(run?: string): Promise<string[]> {
  const { docker, swarmManager } = await connect(process.env);
  const filters = JSON.stringify({ label: [run ? `${RUN_LABEL}=${run}` : RUN_LABEL] });
  const containers = await docker.listContainers({ all: true, filters });
  const networks = await docker.listNetworks({ filters });
  const services = swarmManager ? ((await docker.listServices({ filters })) as { Spec?: { Name?: string } }[]) : [];
  return [...containers.map((c) => `container ${c.Names[0]}`), ...networks.map((n) => `network ${n.Name}`), ...services.map((s) => `service ${s.Spec?.Name}`)];
}

/** A finding as a rule would report it, at a reference of the service (for injected, deliberately wrong findings). */
export function findingAtReference(graph: NetworkGraph, ruleId: string, service: string, name: string): Finding {
  const refs = graph.referencesFrom(service);
  const ref = refs.find((r) => r.name === name)!;
  // as the engine gives a rule's finding: its subject is the reference, which the probe links by
  return {
    ruleId,
    severity: 'error',
    message: `injected: "${service}" cannot reach "${name}"`,
    file: ref.span.file,
    line: ref.span.line,
    column: ref.span.column,
    endLine: ref.span.endLine,
    endColumn: ref.span.endColumn,
    service,
    messageId: 'injected',
    subject: { kind: 'reference', service, index: refs.indexOf(ref) },
  };
}
