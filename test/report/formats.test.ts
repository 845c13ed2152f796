import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HELP } from '../../lib/cli/args';
import { XMLParser } from 'fast-xml-parser';
import { formatters } from '../../lib/report';
import { fixtureFindings, fixtureInput, golden } from './fixture';

// The goldens were written by hand (sarif.json and codeclimate.json from an independent script that
// follows the documented fingerprint recipe and reads rule metadata from the README table), not by
// running the formatters.
const GOLDENS: [string, string][] = [
  ['compact', 'compact.txt'],
  ['github', 'github.txt'],
  ['junit', 'junit.xml'],
  ['codeclimate', 'codeclimate.json'],
  ['sarif', 'sarif.json'],
];

describe('report: formats', () => {
  for (const [name, file] of GOLDENS) {
    it(`${name} matches its golden for the fixed findings`, () => {
      expect(formatters[name](fixtureInput())).to.equal(golden(file));
    });
  }

  it('registers exactly the formats that --help and the README list', () => {
    const names = ['codeclimate', 'compact', 'github', 'json', 'junit', 'sarif', 'stylish'];
    expect(Object.keys(formatters).sort()).to.deep.equal(names);
    const help = /--format FORMAT\[=FILE\] (stylish \(default\), [^;]+);/.exec(HELP)?.[1];
    expect(
      help
        ?.replace(' (default)', '')
        .split(/, | or /)
        .sort(),
    ).to.deep.equal(names);
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const row = /^\| `--format FORMAT\[=FILE\]` \| output format: ([^;]+);/m.exec(readme)?.[1];
    expect(
      row
        ?.replace(' (default)', '')
        .replace(/`/g, '')
        .split(/, | or /)
        .sort(),
    ).to.deep.equal(names);
    for (const name of names) if (name !== 'stylish' && name !== 'json') expect(readme, name).to.include(`\n\`${name}\` `);
  });

  it('every format is a pure function: same input, same bytes, input untouched', () => {
    for (const [name, format] of Object.entries(formatters)) {
      const input = fixtureInput();
      const first = format(input);
      expect(input.findings, name).to.deep.equal(fixtureFindings());
      expect(format(fixtureInput()), name).to.equal(first);
    }
  });

  it('only SARIF mentions the suppressed finding', () => {
    for (const [name, format] of Object.entries(formatters)) {
      const out = format(fixtureInput());
      expect(out.includes('5432'), name).to.equal(name === 'sarif');
    }
  });

  it('with no findings: nothing for compact, the mode lines for github, empty documents for the others', () => {
    const input = fixtureInput({ findings: [], exitCode: 0 });
    expect(formatters.compact(input)).to.equal('');
    expect(formatters.github(input)).to.equal('compose-netlint: project "shop" linted in compose mode because "compose.yaml" is a file name docker compose finds by itself\ncompose-netlint: project "stacks" linted in stack mode\n');
    expect(formatters.codeclimate(input)).to.equal('[]\n');
    expect(JSON.parse(formatters.sarif(input)).runs[0].results).to.deep.equal([]);
    expect(formatters.junit(input)).to.match(/<testsuites name="compose-netlint" tests="86" failures="0" errors="0" time="0">/);
  });

  it("each format with room for it says every project's mode and why; compact and codeclimate have none", () => {
    const input = fixtureInput();
    const shop = { name: 'shop', mode: 'compose', modeReason: '"compose.yaml" is a file name docker compose finds by itself', files: ['compose.yaml'] };
    const stacks = { name: 'stacks', mode: 'stack', files: ['stacks/web,app:v1%.yml'] };
    expect(JSON.parse(formatters.json(input)).projects).to.deep.equal([shop, stacks]);
    expect(JSON.parse(formatters.sarif(input)).runs[0].properties).to.deep.equal({ projects: [shop, stacks] });
    expect(formatters.stylish(input).split('\n').slice(-3)).to.deep.equal(['project "shop" linted in compose mode because "compose.yaml" is a file name docker compose finds by itself', 'project "stacks" linted in stack mode', '']);
    expect(formatters.stylish(fixtureInput({ findings: [] }))).to.equal('project "shop" linted in compose mode because "compose.yaml" is a file name docker compose finds by itself\nproject "stacks" linted in stack mode\n');
    expect(
      formatters
        .github(input)
        .split('\n')
        .filter((l) => !l.startsWith('::')),
    ).to.deep.equal(['compose-netlint: project "shop" linted in compose mode because "compose.yaml" is a file name docker compose finds by itself', 'compose-netlint: project "stacks" linted in stack mode', '']);
    const suites = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'property' }).parse(formatters.junit(input)).testsuites.testsuite;
    expect(suites.map((x: { name: string; properties: { property: unknown[] } }) => [x.name, x.properties.property])).to.deep.equal([
      [
        'compose.yaml',
        [
          { name: 'project', value: 'shop' },
          { name: 'mode', value: 'compose' },
          { name: 'modeReason', value: shop.modeReason },
        ],
      ],
      [
        'stacks/web,app:v1%.yml',
        [
          { name: 'project', value: 'stacks' },
          { name: 'mode', value: 'stack' },
        ],
      ],
    ]);
    for (const name of ['compact', 'codeclimate']) expect(formatters[name](input), name).not.to.match(/linted in|modeReason/);
  });

  it('each format with room names the engine target of each project: stylish, github, json, junit and SARIF (run property when shared)', () => {
    const projects = [
      { name: 'shop', mode: 'compose', files: ['compose.yaml'], engine: 'docker@20.10' },
      { name: 'stacks', mode: 'stack', files: ['stacks/web,app:v1%.yml'], engine: 'docker@20.10' },
    ];
    const input = fixtureInput({ findings: [], projects });
    expect(formatters.stylish(input)).to.equal('project "shop" linted in compose mode; engine target docker@20.10\nproject "stacks" linted in stack mode; engine target docker@20.10\n');
    expect(formatters.github(input)).to.equal('compose-netlint: project "shop" linted in compose mode; engine target docker@20.10\ncompose-netlint: project "stacks" linted in stack mode; engine target docker@20.10\n');
    expect(JSON.parse(formatters.json(input)).projects.map((p: { engine: string }) => p.engine)).to.deep.equal(['docker@20.10', 'docker@20.10']);
    expect(JSON.parse(formatters.sarif(input)).runs[0].properties.engine).to.equal('docker@20.10');
    expect(formatters.junit(input)).to.include('<property name="engine" value="docker@20.10"/>');
    const mixed = fixtureInput({ findings: [], projects: [projects[0], { ...projects[1], engine: 'podman@5.2' }] });
    expect(JSON.parse(formatters.sarif(mixed)).runs[0].properties).not.to.have.property('engine');
  });

  it('a file name in the mode reason cannot break a line or start a workflow command', () => {
    const input = fixtureInput({ findings: [], projects: [{ name: 'x', mode: 'compose', modeReason: '"a\n::error::b.yml" is a file name', files: [] }] });
    expect(formatters.github(input)).to.equal('compose-netlint: project "x" linted in compose mode because "a\\n::error::b.yml" is a file name\n');
    expect(formatters.stylish(input)).to.equal('project "x" linted in compose mode because "a\\n::error::b.yml" is a file name\n');
  });

  it('compact keeps each finding on one line and prints no colour even when asked', () => {
    const out = formatters.compact(fixtureInput({ color: true, findings: [{ ...fixtureFindings()[0], message: 'a\x1b[31mb\nc' }] }));
    expect(out).to.equal('compose.yaml:4:5: error: a\\u001B[31mb\\nc [compose-schema]\n');
  });

  it('stylish escapes control characters of messages and file names, and shows those of the source line as U+FFFD', () => {
    const source = 'services:\n  web:\n    image: nginx\n    networks: [nope] # \x1b[2J\r::warning::x\n';
    const finding = { ...fixtureFindings()[0], file: 'x\x1b[31m.yaml', message: 'network "a\x1b[2J\n::warning file=a::pwned\x9b2J" is wrong', line: 4, column: 16, endLine: 4, endColumn: 20 };
    const out = formatters.stylish(fixtureInput({ findings: [finding], sources: new Map([[finding.file, source]]), projects: [] }));
    expect(out).to.equal(
      [
        'x\\u001B[31m.yaml:4:16: error: network "a\\u001B[2J\\n::warning file=a::pwned\\u009B2J" is wrong [compose-schema]',
        '4 |     networks: [nope] # \uFFFD[2J\uFFFD::warning::x',
        '                   ^^^^',
        '',
        '1 problem (1 error, 0 warnings)',
        '',
      ].join('\n'),
    );
  });

  it('stylish and json leave suppressed findings out of the listing and the summary', () => {
    const input = fixtureInput();
    const stylish = formatters.stylish(input);
    expect(stylish).not.to.include('5432');
    expect(stylish).to.include('5 problems (2 errors, 2 warnings, 1 info)');
    expect(JSON.parse(formatters.json(input)).summary).to.deep.equal({ errors: 2, warnings: 2, infos: 1 });
  });
});

describe('report: control characters in every format', () => {
  // README, Security: messages quote the project's values with control characters escaped, in every format
  const hostile = 'service "a" attaches to network "fr\x1bont\n::warning ::y\x9b2J"';
  const finding = { ...fixtureFindings()[1], message: hostile, related: [{ ...fixtureFindings()[1].related![0], message: `related \x1b[2J\r\n::error::z` }] };
  const escaped = 'service "a" attaches to network "fr\\u001Bont\\n::warning ::y\\u009B2J"';

  for (const name of Object.keys(formatters).sort()) {
    it(`${name} prints no raw control character of a message, and no message starts a line of its own`, () => {
      const out = formatters[name](fixtureInput({ findings: [finding] }));
      expect(out).to.not.match(/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]/);
      expect(out.split('\n').filter((l) => /^\s*::(warning ::y|error::z)/.test(l))).to.deep.equal([]);
      if (['json', 'sarif', 'codeclimate'].includes(name)) {
        const text = JSON.stringify(JSON.parse(out));
        expect(text).to.include(JSON.stringify(escaped).slice(1, -1));
        expect(text).to.not.include('\\u001b');
      } else expect(out.replace(/%0A/g, '\n')).to.include(escaped.replace(/"/g, name === 'junit' ? '&quot;' : '"'));
    });
  }
});
