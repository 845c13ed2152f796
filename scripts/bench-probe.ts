// `npm run bench:probe`: probes generated projects of 5, 10, 20 and 40 services on the Docker engine
// (a full twin, every cell of the matrix) and prints the wall time of each with its split into phases,
// next to the goals. Like the engine tests it needs an engine and the probe image (scripts/ci-docker.sh):
// without them it says so and exits 2 (with CI set) or 0. A script, not a test.
// Options: `--sizes 5,10` (service counts), `--timeout S` and `--concurrency N` (passed to the probe),
// `--probe-image IMG` (default compose-netlint/probe:busybox, or CNL_PROBE_IMAGE).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runProbeCommand, type ProbeReport } from '../lib/probe';
import { connect } from '../lib/probe/engine';
import { inCi } from '../test/e2e/gate';

/** Wall-time goals on the 2-core machine of issue 17, in seconds, by service count. */
const GOALS: Record<number, number> = { 10: 10, 40: 60 };

/**
 * A project of `n` services in four tiers on three networks, so that about half of the cells are
 * blocked (a different network, an internal one, a name no network resolves):
 * web (front; a bare published port), api (front, back; a UDP port), worker (back, data), db (data, internal).
 */
export function probeProject(n: number): string {
  const tiers = [
    { kind: 'web', networks: ['front'], lines: ['    ports: ["8080"]'] },
    { kind: 'api', networks: ['front', 'back'], lines: ['    expose: ["9000", "9001/udp"]'] },
    { kind: 'worker', networks: ['back', 'data'], lines: [] },
    { kind: 'db', networks: ['data'], lines: ['    expose: ["5432"]'] },
  ];
  const lines = ['name: bench-probe', 'services:'];
  for (let i = 0; i < n; i++) {
    const tier = tiers[i % tiers.length];
    lines.push(`  ${tier.kind}${i}:`, '    image: example/app:1', `    networks: [${tier.networks.join(', ')}]`, ...tier.lines);
  }
  lines.push('networks:', '  front: {}', '  back: {}', '  data:', '    internal: true');
  return lines.join('\n') + '\n';
}

/** The phases, each from the probe's progress line that opens it (`probe: [12.3s] text`); before the first, lint and connect. */
const PHASES: { name: string; opens: RegExp }[] = [
  // from the run's first line: the lease, the image's tools, the networks, the containers created and started
  { name: 'create', opens: /^run [0-9a-f]{8}: / },
  { name: 'start', opens: /^waiting for \d+ containers? to be ready/ },
  { name: 'probe', opens: /^(running \d+ probes?|\d+ probes?: running)/ },
  { name: 'teardown', opens: /^removing the twin/ },
];

interface Measured {
  n: number;
  code: number;
  total: number;
  phases: Map<string, number>;
  report?: ProbeReport;
  stderr: string;
}

/** Splits the run's progress lines into phases: each lasts from its opening line to the next phase's (the last to the end). */
export function phaseSplit(stderr: string, total: number): Map<string, number> {
  const opened: { name: string; at: number }[] = [];
  for (const line of stderr.split('\n')) {
    const m = /^probe: \[(\d+(?:\.\d+)?)s\] (.*)$/.exec(line);
    if (!m) continue;
    const phase = PHASES.find((p) => p.opens.test(m[2]));
    if (phase && !opened.some((o) => o.name === phase.name)) opened.push({ name: phase.name, at: Number(m[1]) });
  }
  const out = new Map<string, number>();
  opened.forEach((o, i) => out.set(o.name, (opened[i + 1]?.at ?? total) - o.at));
  return out;
}

async function measure(n: number, image: string, extra: string[]): Promise<Measured> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netlint-bench-probe-'));
  fs.writeFileSync(path.join(dir, 'compose.yaml'), probeProject(n));
  let stderr = '';
  let report: ProbeReport | undefined;
  const started = Date.now();
  try {
    const code = await runProbeCommand(['--probe-image', image, ...extra, dir], { stdout: () => undefined, stderr: (t) => (stderr += t), env: process.env, cwd: dir }, { report: (r) => (report = r) });
    const total = (Date.now() - started) / 1000;
    return { n, code, total, phases: phaseSplit(stderr, total), report, stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { sizes: { type: 'string' }, timeout: { type: 'string' }, concurrency: { type: 'string' }, 'probe-image': { type: 'string' } } });
  const sizes = (values.sizes ?? '5,10,20,40').split(',').map(Number);
  const image = values['probe-image'] ?? process.env.CNL_PROBE_IMAGE ?? 'compose-netlint/probe:busybox';
  const extra = [...(values.timeout ? ['--timeout', values.timeout] : []), ...(values.concurrency ? ['--concurrency', values.concurrency] : [])];
  try {
    const engine = await connect(process.env);
    try {
      await engine.docker.getImage(image).inspect();
    } finally {
      engine.guard.close();
    }
  } catch (error) {
    console.log(`bench:probe needs a Docker engine and the probe image ${image} (bash scripts/ci-docker.sh): ${(error as Error).message.split('; ')[0]}`);
    return inCi(process.env) ? 2 : 0;
  }
  let code = 0;
  for (const n of sizes) {
    const m = await measure(n, image, extra);
    const s = m.report?.summary;
    const split = PHASES.map((p) => `${p.name} ${(m.phases.get(p.name) ?? 0).toFixed(1)} s`).join(', ');
    const goal = GOALS[n] === undefined ? '' : `; goal < ${GOALS[n]} s: ${m.code === 0 && m.total < GOALS[n] ? 'met' : 'MISSED'}`;
    const cells = s ? `${s.probes} probes (${s.agreeing} agree, ${s.disagreeing} disagree, ${s.failed} failed, ${s.flaky} flaky)` : 'no report';
    console.log(`${String(n).padStart(3)} services: ${m.total.toFixed(1)} s (${split}); ${cells}, exit ${m.code}${goal}`);
    if (m.code !== 0) {
      code = 1;
      console.log(
        m.stderr
          .split('\n')
          .filter((l) => !l.startsWith('probe: ['))
          .slice(0, 5)
          .join('\n'),
      );
    }
  }
  return code;
}

if (require.main === module)
  main().then(
    (code) => (process.exitCode = code),
    (error) => {
      console.error(`bench:probe: ${(error as Error).message}`);
      process.exitCode = 2;
    },
  );
