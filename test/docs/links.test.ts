import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { docsUrl } from '../../lib/engine/rule';
import { RULE_CATALOG } from '../../lib/report/catalog';
import { rules } from '../../rules';

const ROOT = path.join(__dirname, '..', '..');
const VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
const REPO = 'https://github.com/compose-netlint/compose-netlint';
const PINNED = `${REPO}/blob/v${VERSION}/`;

/** The documentation and the code that links to it: markdown at the top, in docs/, rules/ and schemas/, and lib/ and rules/ sources. */
function linkingFiles(): string[] {
  const list = (dir: string, ext: RegExp): string[] =>
    fs
      .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => ext.test(f))
      .map((f) => path.join(dir, f));
  return [...list('.', /^[A-Z]+\.md$/), ...list('docs', /\.md$/), ...list('rules', /\.(md|ts)$/), ...list('schemas', /\.md$/), ...list('lib', /\.ts$/)];
}

/** The anchors GitHub gives a markdown file's headings: lowercase, punctuation dropped, spaces as hyphens. */
function anchors(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/^#+ (.+)$/gm)].map((m) =>
    m[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-'),
  );
}

/** Every link into a GitHub repository's files: the file it is in, the repository, the ref and the path. */
function githubLinks(): { file: string; repo: string; ref: string; target: string; url: string }[] {
  return linkingFiles().flatMap((file) =>
    [...fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(/https:\/\/github\.com\/([\w.-]+\/[\w.-]+)\/(?:blob|tree|raw)\/([^/\s]+)\/([^\s)`'">]*)/g)].map((m) => ({
      file,
      repo: m[1],
      ref: m[2],
      target: m[3],
      url: m[0],
    })),
  );
}

describe('docs links', () => {
  it("every rule and reserved finding id links to a page of this version's tag that exists", () => {
    for (const rule of rules) expect(docsUrl(rule.id)).to.equal(`${PINNED}rules/${rule.id}.md`);
    for (const entry of RULE_CATALOG) {
      expect(entry.helpUri.startsWith(PINNED), entry.helpUri).to.equal(true);
      const [file, hash] = entry.helpUri.slice(PINNED.length).split('#');
      expect(fs.existsSync(path.join(ROOT, file)), entry.helpUri).to.equal(true);
      if (hash !== undefined) expect(anchors(file), entry.helpUri).to.include(hash);
    }
  });

  it('links into GitHub repositories name a tag or a commit, never a branch', () => {
    const links = githubLinks();
    expect(links.length).to.be.greaterThan(10);
    const floating = links.filter((l) => !/^((docker-)?v\d+\.\d+\.\d+[\w.-]*|[0-9a-f]{40})$/.test(l.ref)).map((l) => `${l.file}: ${l.url}`);
    expect(floating).to.deep.equal([]);
  });

  it('links to this repository point at this version and at files that exist', () => {
    for (const l of githubLinks().filter((x) => x.repo === 'compose-netlint/compose-netlint')) {
      expect(l.ref, `${l.file}: ${l.url}`).to.equal(`v${VERSION}`);
      expect(fs.existsSync(path.join(ROOT, l.target.split('#')[0])), `${l.file}: ${l.url}`).to.equal(true);
    }
  });

  it("moby paths are today's: libnetwork/ lives under daemon/ since Docker 29", () => {
    const moved = githubLinks().filter((l) => l.repo === 'moby/moby' && /^docker-v(29|[3-9]\d)\./.test(l.ref) && l.target.startsWith('libnetwork/'));
    expect(moved.map((l) => `${l.file}: ${l.url}`)).to.deep.equal([]);
    // prose naming a moby path without a link names today's path too
    const prose = linkingFiles()
      .filter((f) => f.endsWith('.md'))
      .flatMap((f) => [...fs.readFileSync(path.join(ROOT, f), 'utf8').matchAll(/(?<![\w/])libnetwork\/[\w/.]+/g)].map((m) => `${f}: ${m[0]}`));
    expect(prose).to.deep.equal([]);
  });
});
