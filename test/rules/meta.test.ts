import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildConfigSchema } from '../../lib/engine/config-schema';
import { ruleOptions } from '../../lib/engine/run';
import { rules } from '../../rules';
import { docExamples, ROOT } from '../helpers/rules';

const SECTIONS = ['## Why', '## Incorrect', '## Correct', '## Options', '## Known limitations'];

describe('meta: registry, rule files, docs, fixtures, README table and config schema stay in step', () => {
  const ids = rules.map((r) => r.id);

  it('registers rules sorted by id, each id unique and kebab-case', () => {
    expect(ids).to.deep.equal([...new Set(ids)].sort());
    for (const id of ids) expect(id).to.match(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
  });

  it('has a rule module for every registered rule and no unregistered module', () => {
    const modules = fs
      .readdirSync(path.join(ROOT, 'rules'))
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map((f) => f.slice(0, -3));
    expect(modules.sort()).to.deep.equal(ids);
  });

  for (const rule of rules) {
    it(`${rule.id}: metadata, doc page and fixtures`, () => {
      expect(rule.description).to.match(/^[A-Z].*[^.]$/);
      for (const [id, message] of Object.entries(rule.messages)) {
        expect(message, `message ${id}`).to.match(/^[a-z"{]/);
        expect(message, `message ${id}`).not.to.match(/\.$/);
      }
      const doc = fs.readFileSync(path.join(ROOT, 'rules', `${rule.id}.md`), 'utf8');
      expect(doc.split('\n')[0]).to.equal(`# ${rule.id}`);
      expect(doc).to.include(rule.description);
      expect(doc).to.include(`Severity: \`${rule.severity}\``);
      expect(doc).to.include(`Category: \`${rule.category}\``);
      let last = -1;
      for (const section of SECTIONS) {
        const at = doc.indexOf(`\n${section}\n`);
        expect(at, `${section} after the previous section`).to.be.greaterThan(last);
        last = at;
      }
      // a fixable rule's doc has a Fix section before Options, opening with its label; no other doc has one
      const fix = /\n## Fix\n\n`([a-z-]+)`/.exec(doc);
      expect(fix?.[1], "the Fix section labels the rule's fix as its `fix` says").to.equal(rule.fix);
      if (rule.fix) expect(doc.indexOf('\n## Fix\n')).to.be.lessThan(doc.indexOf('\n## Options\n'));
      const examples = docExamples(doc);
      expect(
        examples.some((e) => e.section === 'Incorrect'),
        'an Incorrect example',
      ).to.equal(true);
      expect(
        examples.some((e) => e.section === 'Correct'),
        'a Correct example',
      ).to.equal(true);
      const base = path.join(ROOT, 'test', 'rules', rule.id);
      const list = (kind: string) => (fs.existsSync(path.join(base, kind)) ? fs.readdirSync(path.join(base, kind)) : []);
      const invalid = list('invalid').filter((f) => !f.endsWith('.out'));
      expect(invalid.length, 'at least two invalid fixtures').to.be.at.least(2);
      expect(list('valid').length, 'at least two valid fixtures').to.be.at.least(2);
      for (const f of invalid) expect(list('invalid'), `golden for ${f}`).to.include(`${f.replace(/\.ya?ml$/, '')}.out`);
      const indirect = [...list('invalid'), ...list('valid')].some((f) => /anchor|override|interpolat|env|merge|extends|include/.test(f));
      expect(indirect, 'a fixture whose value comes from an anchor, override file or interpolation').to.equal(true);
    });
  }

  it('has a fixture folder only for registered rules', () => {
    const folders = fs
      .readdirSync(path.join(ROOT, 'test', 'rules'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.sort()).to.deep.equal(ids);
  });

  it('lists exactly the registered rules in the README rule table, with their severity and category', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| \[`([a-z0-9-]+)`\]\(rules\/\1\.md\) \| (\w+) \| (\w+) \| (.+) \|$/gm)].map((m) => [m[1], m[2], m[3], m[4]]);
    expect(rows).to.deep.equal(rules.map((r) => [r.id, r.severity, r.category, r.description]));
  });

  it('shows in the README exactly the sections of docs/ that tests run (npm run docs)', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const included = [...readme.matchAll(/<!-- include:(\S+) -->\n([\s\S]*?)\n<!-- \/include -->/g)];
    expect(included.map((m) => m[1])).to.deep.equal(['docs/graph-section.md', 'docs/probe-section.md', 'docs/ci-section.md', 'docs/api-section.md']);
    for (const [, file, body] of included) expect(body, file).to.equal(fs.readFileSync(path.join(ROOT, file), 'utf8').trimEnd());
  });

  it('gives every rule with options defaults that its options schema accepts (the engine checks only configured options)', () => {
    const withOptions = rules.filter((r) => r.options);
    expect(withOptions).to.not.be.empty;
    for (const rule of withOptions) expect(ruleOptions(rule, { ...rule.options!.defaults }).error, rule.id).to.equal(undefined);
  });

  it('keeps schemas/config.schema.json equal to the schema generated from rule metadata (npm run docs)', () => {
    const committed = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'config.schema.json'), 'utf8'));
    expect(committed).to.deep.equal(buildConfigSchema(rules));
  });
});
