// The differential runner of issue 13: probes a generated project (random-project.ts) with the probe
// command in this process, twin mode, and says where graph and engine part: a disagreeing cell, a refuted
// finding, a failed cell, a twin that could not be built, or an object the run left on the engine.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runProbeCommand, type ProbeReport } from '../../lib/probe';
import type { Engine } from '../../lib/probe/engine';
import { formatText } from '../../lib/probe/report';
import { listRuns } from '../../lib/probe/runs';
import { describe as describeCase } from '../../lib/probe/verdicts';
import { tempProject } from './project';
import type { RandomProject } from './random-project';

/** What one seed's run found. Counts are of cells and findings; `problems` has one line each. */
export interface SeedOutcome {
  seed: number;
  /** the probe's exit code */
  code: number;
  /** Compose refuses the project: the graph does not load, nothing is built (not a failure) */
  refused?: string;
  disagreeing: number;
  refuted: number;
  failed: number;
  /** engine refusals no finding predicted (each one a disagreement) */
  unpredicted: number;
  flaky: number;
  /** cells probed (the report's `probes`) */
  cells: number;
  leftovers: number;
  problems: string[];
  report?: ProbeReport;
  stderr: string;
  seconds: number;
}

/** How often, and how long apart, a run another run's lease stopped is tried again (bounded). */
const COLLISION_TRIES = 5;
const COLLISION_WAIT_MS = 5000;

/**
 * Probes `project` on `engine` with the probe image `image` and judges the run. A run stopped by another
 * run's lease (exit 2, "held by run …") is tried again, COLLISION_TRIES times at most, COLLISION_WAIT_MS
 * apart. Never throws for what the probe reports; engine errors while listing leftovers reject.
 */
export async function probeSeed(project: RandomProject, engine: Engine, image: string): Promise<SeedOutcome> {
  const dir = tempProject({ 'compose.yaml': project.text }, project.name);
  const started = Date.now();
  try {
    for (let attempt = 1; ; attempt++) {
      const outcome = await probeOnce(project, dir, engine, image);
      outcome.seconds = (Date.now() - started) / 1000;
      if (attempt < COLLISION_TRIES && outcome.code === 2 && /held by run|another run|is held/.test(outcome.stderr)) {
        await new Promise((r) => setTimeout(r, COLLISION_WAIT_MS));
        continue;
      }
      return outcome;
    }
  } finally {
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
}

async function probeOnce(project: RandomProject, dir: string, engine: Engine, image: string): Promise<SeedOutcome> {
  let stdout = '';
  let stderr = '';
  let report: ProbeReport | undefined;
  const env: Record<string, string | undefined> = { ...process.env, COMPOSE_PROFILES: undefined, COMPOSE_FILE: undefined, COMPOSE_PROJECT_NAME: undefined };
  const code = await runProbeCommand(['--probe-image', image, '--format', 'json', '-f', 'compose.yaml'], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd: dir }, { report: (r) => (report = r) });
  void stdout;
  const outcome: SeedOutcome = { seed: project.seed, code, disagreeing: 0, refuted: 0, failed: 0, unpredicted: 0, flaky: 0, cells: 0, leftovers: 0, problems: [], report, stderr, seconds: 0 };
  const runId = report?.run ?? /run ([0-9a-f]{8})/.exec(stderr)?.[1];
  if (runId) {
    const left = (await listRuns(engine, runId)).get(runId);
    const objects = left ? [...left.containers.map((c) => `container ${c.Names[0]}`), ...(left.lease ? ['the lease'] : []), ...left.networks.map((n) => `network ${n.Name}`), ...left.veths.map((v) => `veth ${v}`)] : [];
    outcome.leftovers = objects.length;
    for (const o of objects) outcome.problems.push(`left on the engine: ${o}`);
  }
  if (!report) {
    const line = stderr.split('\n').find((l) => l.startsWith('compose-netlint: ')) ?? stderr.trim().split('\n').pop() ?? '';
    if (/cannot probe: (the project does not load|Compose refuses the project)/.test(line)) outcome.refused = line.replace(/^compose-netlint: /, '');
    else outcome.problems.push(`no report (exit ${code}): ${line}`);
    return outcome;
  }
  const s = report.summary;
  outcome.cells = s.probes;
  outcome.disagreeing = s.disagreeing;
  outcome.failed = s.failed;
  outcome.flaky = s.flaky;
  outcome.unpredicted = s.unpredicted;
  for (const e of report.events) if (e.predicted === false) outcome.problems.push(`unpredicted refusal: ${e.message}`);
  for (const r of report.results) {
    if (!r.final) continue;
    if (r.agrees === false) outcome.problems.push(`disagrees: ${describeCase(r.case)}: graph ${r.case.expect ? 'reachable' : 'blocked'} (${r.case.basis}), engine ${r.final.reach} (${r.final.detail})`);
    else if (!r.flaky && r.final.reach === 'failed') outcome.problems.push(`failed: ${describeCase(r.case)}: ${r.final.detail}`);
  }
  for (const v of report.findings) {
    if (v.verdict !== 'refuted') continue;
    outcome.refuted++;
    outcome.problems.push(`refuted: ${v.finding.ruleId} at ${v.finding.line}:${v.finding.column}: ${v.reason}`);
  }
  return outcome;
}

/** Whether a seed's run shows graph and engine apart (a flaky cell alone is reported, not failed). */
export function failing(o: SeedOutcome): boolean {
  return o.problems.length > 0;
}

/**
 * Writes a failing seed under `dir/seed-N/`: `compose.yaml` (ready to become an e2e fixture of
 * test/e2e/projects), `problems.txt` (what went wrong and what the generator drew) and, when the probe
 * reported, `report.txt` (its text report).
 */
export function keepFailure(dir: string, project: RandomProject, o: SeedOutcome): string {
  const out = path.join(dir, `seed-${project.seed}`);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'compose.yaml'), project.text);
  const lines = [`seed ${project.seed}: exit ${o.code}`, ...o.problems, '', 'drawn:', ...project.features.map((f) => `  ${f}`), '', 'probe stderr:', o.stderr];
  fs.writeFileSync(path.join(out, 'problems.txt'), `${lines.join('\n')}\n`);
  if (o.report) fs.writeFileSync(path.join(out, 'report.txt'), formatText(o.report));
  return out;
}
