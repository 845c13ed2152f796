// Regenerates what docs show from the code: the output of every Incorrect example in rules/*.md,
// the README rule table, and schemas/config.schema.json. Run with `npm run docs`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildConfigSchema } from '../lib/engine/config-schema';
import { rules } from '../rules';
import { engineFactsTable } from '../test/helpers/engine-facts';
import { docExamples, docOutput, exampleFileName, lintText, ROOT } from '../test/helpers/rules';

for (const rule of rules) {
  const file = path.join(ROOT, 'rules', `${rule.id}.md`);
  if (!fs.existsSync(file)) continue;
  let doc = fs.readFileSync(file, 'utf8');
  // rewrite from the end so earlier offsets stay valid
  for (const example of docExamples(doc).reverse()) {
    if (example.section !== 'Incorrect') continue;
    const output = docOutput(lintText(example.yaml, rule, exampleFileName(rule)));
    if (example.output) doc = doc.slice(0, example.output.start) + output + doc.slice(example.output.end);
    else {
      const at = doc.indexOf('```yaml\n' + example.yaml + '```\n') + ('```yaml\n' + example.yaml + '```\n').length;
      doc = doc.slice(0, at) + '\n```text\n' + output + '```\n' + doc.slice(at);
    }
  }
  fs.writeFileSync(file, doc);
}

const readmePath = path.join(ROOT, 'README.md');
const readme = inlineSections(fs.readFileSync(readmePath, 'utf8'));
const table = ['| rule | severity | category | description |', '|---|---|---|---|', ...rules.map((r) => `| [\`${r.id}\`](rules/${r.id}.md) | ${r.severity} | ${r.category} | ${r.description} |`)].join('\n');
fs.writeFileSync(
  readmePath,
  readme
    .replace(/<!-- rules:start -->[\s\S]*<!-- rules:end -->/, `<!-- rules:start -->\n${table}\n<!-- rules:end -->`)
    .replace(/<!-- engine-facts:start -->[\s\S]*<!-- engine-facts:end -->/, `<!-- engine-facts:start -->\n${engineFactsTable()}\n<!-- engine-facts:end -->`),
);
fs.writeFileSync(path.join(ROOT, 'schemas', 'config.schema.json'), JSON.stringify(buildConfigSchema(rules), null, 2) + '\n');

/** README sections kept in docs/*.md (where tests run them) are copied in between include markers. */
export function inlineSections(readme: string): string {
  return readme.replace(/<!-- include:(\S+) -->\n[\s\S]*?<!-- \/include -->/g, (_, file: string) => `<!-- include:${file} -->\n${fs.readFileSync(path.join(ROOT, file), 'utf8').trimEnd()}\n<!-- /include -->`);
}
