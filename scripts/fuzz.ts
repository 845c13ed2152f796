// `npm run fuzz -- --seeds 1-5000`: runs the fuzzer of test/fuzz over more seeds than CI does and
// prints each failing seed with its base fixture, its mutations and what went wrong; `--keep DIR`
// writes each failing case's files under DIR/<seed>/ to reproduce it. Exits 1 when any seed fails.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkCase, fuzzCase, parseSeeds, seedlings } from '../test/helpers/fuzz';

const arg = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

async function main(): Promise<number> {
  const seeds = parseSeeds(arg('--seeds') ?? '1-1000');
  const keep = arg('--keep');
  const all = seedlings();
  let failed = 0;
  const start = Date.now();
  for (const seed of seeds) {
    const c = fuzzCase(seed, all);
    const problems = await checkCase(c);
    if (problems.length === 0) continue;
    failed++;
    console.log(`seed ${seed} (${c.base}; ${c.mutations.join('; ')}):\n  ${problems.join('\n  ')}`);
    if (keep) {
      for (const [name, text] of Object.entries(c.files)) {
        const file = path.join(keep, String(seed), name);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, text);
      }
    }
  }
  console.log(`${seeds.length - failed} passed, ${failed} failed (${((Date.now() - start) / 1000).toFixed(1)} s)`);
  return failed ? 1 : 0;
}

void main().then((code) => {
  process.exitCode = code;
});
