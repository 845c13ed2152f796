// `npm run corpus -- DIR`: the load check of test/corpus on every .yaml/.yml file under DIR (a whole
// collection of Compose files, say, of which test/fixtures holds a subset). Lints each file as a
// project of its own and prints how many there were, how long they took, the findings by rule and
// every crash or hang. Exit 0 when there is none, 1 when there is one, 2 for a usage error.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCheck, yamlFiles } from '../test/helpers/corpus';

const dir = process.argv[2];
if (!dir || process.argv.length > 3 || !fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
  console.error(`corpus: give one folder of Compose files, as in npm run corpus -- /path/to/corpus${dir ? ` ("${dir}" is not a folder)` : ''}`);
  process.exit(2);
}
const root = path.resolve(dir);
const check = loadCheck(yamlFiles(root), root);
const rules = [...check.findings].sort(([a], [b]) => (a < b ? -1 : 1)).map(([rule, n]) => `${rule} ${n}`);
console.log(`corpus: ${check.files} files under ${dir} in ${check.ms} ms; ${check.inputErrors} unreadable as a project (input errors)`);
console.log(`findings: ${rules.length ? rules.join(', ') : 'none'}`);
for (const problem of check.problems) console.log(`problem: ${problem}`);
console.log(check.problems.length ? `${check.problems.length} problem(s)` : 'no crash and no hang');
process.exitCode = check.problems.length ? 1 : 0;
