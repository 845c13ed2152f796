// `npm run fuzz:probe -- --seeds 1-200`: the differential runner of issue 13. Generates one random project
// per seed (test/helpers/random-project.ts), probes each on the Docker engine (twin mode), and prints per
// seed where graph and engine part: disagreeing cells, refuted findings, failed cells, leftovers. Each
// failing project is written to `--keep DIR` (default fuzz-failures/) as seed-N/compose.yaml with its
// report. Exits 1 when any seed fails, 2 when the engine or the probe image is missing.
import * as path from 'node:path';
import { connect } from '../lib/probe/engine';
import { parseSeeds } from '../test/helpers/fuzz';
import { failing, keepFailure, probeSeed, type SeedOutcome } from '../test/helpers/differential';
import { randomProject } from '../test/helpers/random-project';

const arg = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

async function main(): Promise<number> {
  const seeds = parseSeeds(arg('--seeds') ?? '1-25');
  const keep = path.resolve(arg('--keep') ?? 'fuzz-failures');
  const image = arg('--probe-image') ?? process.env.CNL_PROBE_IMAGE ?? 'compose-netlint/probe:busybox';
  let engine;
  try {
    engine = await connect(process.env);
    await engine.docker.getImage(image).inspect();
  } catch (error) {
    console.error(`fuzz:probe: ${(error as Error).message.split('\n')[0]}; run bash scripts/ci-docker.sh first`);
    return 2;
  }
  const start = Date.now();
  const outcomes: SeedOutcome[] = [];
  // Ctrl-C or SIGTERM: the probe of the current seed removes its twin (it handles the signal), and no seed follows
  let stopping = false;
  const stop = (): void => void (stopping = true);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    for (const seed of seeds) {
      if (stopping) break;
      const project = randomProject(seed);
      const o = await probeSeed(project, engine, image);
      outcomes.push(o);
      const head = `seed ${seed}: ${o.refused ? `refused (${o.refused})` : `${o.cells} cells, ${o.disagreeing} disagreeing, ${o.refuted} refuted, ${o.failed} failed, ${o.unpredicted} unpredicted refusals, ${o.flaky} flaky, ${o.leftovers} leftovers`} (${o.seconds.toFixed(1)} s)`;
      console.log(head);
      if (failing(o)) {
        for (const p of o.problems) console.log(`  ${p}`);
        console.log(`  written to ${keepFailure(keep, project, o)}`);
      }
    }
  } finally {
    engine.guard.close();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  const sum = (f: (o: SeedOutcome) => number): number => outcomes.reduce((n, o) => n + f(o), 0);
  const failed = outcomes.filter(failing);
  console.log(
    `${outcomes.length} projects (${outcomes.filter((o) => o.refused).length} refused by Compose), ${sum((o) => o.cells)} cells: ` +
      `${sum((o) => o.disagreeing)} disagreeing, ${sum((o) => o.refuted)} refuted findings, ${sum((o) => o.failed)} failed cells, ${sum((o) => o.unpredicted)} unpredicted refusals, ${sum((o) => o.flaky)} flaky, ${sum((o) => o.leftovers)} leftovers; ` +
      `${failed.length} failing project${failed.length === 1 ? '' : 's'}${failed.length ? ` (seeds ${failed.map((o) => o.seed).join(', ')})` : ''}; ${((Date.now() - start) / 1000).toFixed(0)} s`,
  );
  if (stopping) return 130;
  return failed.length ? 1 : 0;
}

void main().then((code) => {
  process.exitCode = code;
});
