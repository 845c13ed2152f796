import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateProject } from '../../lib/schema/validate';
import { at, type MapNode, type Node } from '../../lib/source/tree';
import { parseYaml } from '../../lib/source/yaml';
import { corpusFiles, FIXTURES } from '../helpers/corpus';

function load(text: string): MapNode {
  const parsed = parseYaml('compose.yaml', text);
  expect(parsed.diagnostics, 'fixture must be valid YAML').to.deep.equal([]);
  const root = parsed.documents[0];
  expect(root.kind).to.equal('map');
  return root as MapNode;
}

/** `line:column-endLine:endColumn message`, plus one indented line per related location. */
function lines(root: MapNode): string[] {
  return validateProject(root).flatMap((d) => {
    expect(d.ruleId).to.equal('compose-schema');
    expect(d.severity).to.equal('error');
    const s = d.span;
    return [`${s.line}:${s.column}-${s.endLine}:${s.endColumn} ${d.message}`, ...(d.related ?? []).map((r) => `  related ${r.span.line}:${r.span.column}-${r.span.endLine}:${r.span.endColumn} ${r.message}`)];
  });
}

function check(text: string): string[] {
  return lines(load(text));
}

/** Marks the scalar at `path` as not known before run time, as interpolation does for an unset variable. */
function markUnknown(root: MapNode, pathParts: (string | number)[]): void {
  const node = at(root, pathParts) as Node;
  expect(node?.kind).to.equal('scalar');
  if (node.kind === 'scalar') node.unknown = true;
}

describe('schema: validateProject', () => {
  it('accepts a valid file', () => {
    expect(
      check(`services:
  web:
    image: nginx
    ports: ["80:80", 443, {target: 8080, published: "8080", protocol: tcp}]
    networks:
      front:
        aliases: [www]
      back:
networks:
  front:
    external: true
  back: {}
x-extra: anything
`),
    ).to.deep.equal([]);
  });

  it('blames a misspelt key on the key and suggests the right one', () => {
    expect(
      check(`services:
  web:
    image: nginx
    netwroks: [front]
`),
    ).to.deep.equal(['4:5-4:13 unknown key "netwroks" in service "web". did you mean "networks"?']);
  });

  it('names a misspelt top-level key', () => {
    expect(
      check(`service:
  web:
    image: nginx
`),
    ).to.deep.equal(['1:1-1:8 unknown top-level key "service". did you mean "services"?']);
  });

  it('lists the allowed keys of a small mapping when no key is close', () => {
    expect(
      check(`services:
  web:
    image: nginx
    ports:
      - target: 80
        color: blue
`),
    ).to.deep.equal(['6:9-6:14 unknown key "color" in "ports[0]" of service "web"; expected "app_protocol", "host_ip", "mode", "name", "protocol", "published" or "target"']);
  });

  it('blames a wrong-typed scalar value and says which type is wanted', () => {
    expect(
      check(`services:
  web:
    image: nginx
    ports: "80:80"
`),
    ).to.deep.equal(['4:12-4:19 "ports" of service "web" must be a list, not a string']);
  });

  it('blames the key when a mapping or list stands where a scalar belongs', () => {
    expect(
      check(`networks:
  front:
    internal:
      - true
`),
    ).to.deep.equal(['3:5-3:13 "internal" of network "front" must be a boolean or a string, not a list']);
  });

  it('lists every type the schema allows for a value, sorted', () => {
    expect(
      check(`networks:
  front:
    external: 5
`),
    ).to.deep.equal(['3:15-3:16 "external" of network "front" must be a boolean, a mapping or a string, not a number']);
  });

  it('reports several errors in one file, in position order', () => {
    expect(
      check(`services:
  web:
    image: nginx
    restart: 3
    cpu_percent: 150
    pull_policy: sometimes
    depends_on:
      db:
        condition: service_healty
  db:
    image: postgres
    expose: [5432, 5432]
  "my db":
    image: postgres
volumes:
  data:
    driver: local
    drivr_opts: {}
`),
    ).to.deep.equal([
      '4:14-4:15 "restart" of service "web" must be a string, not a number',
      '5:18-5:21 "cpu_percent" of service "web" must be at most 100, not 150',
      '6:18-6:27 "pull_policy" of service "web" must match the pattern "always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+", not "sometimes"',
      '9:20-9:34 "depends_on.db.condition" of service "web" must be one of "service_completed_successfully", "service_healthy" or "service_started", not "service_healty". did you mean "service_healthy"?',
      '12:20-12:24 duplicate item 5432 in "expose" of service "db" (also at column 14)',
      '  related 12:14-12:18 first listed here',
      '13:3-13:10 invalid service name "my db": use only letters, digits, ".", "_" and "-"',
      '18:5-18:15 unknown key "drivr_opts" in volume "data". did you mean "driver_opts"?',
    ]);
  });

  it('names every missing required key of a list item in one message, at the item', () => {
    expect(
      check(`services:
  web:
    image: nginx
    develop:
      watch:
        - target: /app
`),
    ).to.deep.equal(['6:11-6:17 "develop.watch[0]" of service "web" is missing the required keys "action" and "path"']);
  });

  describe('oneOf locations collapse to the one useful message', () => {
    it('a port mapping with a misspelt field', () => {
      expect(
        check(`services:
  web:
    image: nginx
    ports:
      - target: 80
        protcol: udp
`),
      ).to.deep.equal(['6:9-6:16 unknown key "protcol" in "ports[0]" of service "web". did you mean "protocol"?']);
    });

    it('a port mapping with a field of the wrong type', () => {
      expect(
        check(`services:
  web:
    image: nginx
    ports:
      - "8080:80"
      - target: 80
        published: true
`),
      ).to.deep.equal(['7:20-7:24 "ports[1].published" of service "web" must be an integer or a string, not a boolean']);
    });

    it('a port that is neither a number, a string nor a mapping', () => {
      expect(
        check(`services:
  web:
    image: nginx
    ports:
      - [80, 80]
`),
      ).to.deep.equal(['5:9-5:17 "ports[0]" of service "web" must be a mapping, a number or a string, not a list']);
    });

    it('a service network entry that is neither a mapping nor empty', () => {
      expect(
        check(`services:
  web:
    image: nginx
    networks:
      front: 3
      back:
        aliases: [api, 1]
`),
      ).to.deep.equal(['5:14-5:15 "networks.front" of service "web" must be a mapping or null, not a number', '7:24-7:25 "networks.back.aliases[1]" of service "web" must be a string, not a number']);
    });

    it('a long-syntax item missing its required key', () => {
      expect(
        check(`services:
  web:
    image: nginx
    depends_on:
      db:
        restart: true
`),
      ).to.deep.equal(['5:7-5:9 "depends_on.db" of service "web" is missing the required key "condition"']);
    });
  });

  describe('values not known before run time', () => {
    it('drops an error on an unknown-valued scalar', () => {
      const text = `services:
  web:
    image: nginx
    ports: "\${PORTS}"
    cpu_percent: 150
`;
      // the same file with known values is invalid twice over
      expect(check(text)).to.deep.equal(['4:12-4:22 "ports" of service "web" must be a list, not a string', '5:18-5:21 "cpu_percent" of service "web" must be at most 100, not 150']);
      const root = load(text);
      markUnknown(root, ['services', 'web', 'ports']);
      markUnknown(root, ['services', 'web', 'cpu_percent']);
      expect(lines(root)).to.deep.equal([]);
    });

    it('does not call unknown items duplicates', () => {
      const root = load(`services:
  web:
    image: nginx
    expose: ["\${A}", "\${A}"]
`);
      markUnknown(root, ['services', 'web', 'expose', 0]);
      markUnknown(root, ['services', 'web', 'expose', 1]);
      expect(lines(root)).to.deep.equal([]);
    });

    it('keeps errors next to an unknown value', () => {
      const root = load(`services:
  web:
    image: nginx
    cpu_percent: 150
    netwroks: [front]
`);
      markUnknown(root, ['services', 'web', 'cpu_percent']);
      expect(lines(root)).to.deep.equal(['5:5-5:13 unknown key "netwroks" in service "web". did you mean "networks"?']);
    });
  });

  it('blames the use site of an anchor and points at the anchored text', () => {
    expect(
      check(`x-base: &base
  image: nginx
  netwroks: [front]
services:
  web:
    <<: *base
  api:
    <<: *base
`),
    ).to.deep.equal([
      '6:9-6:14 unknown key "netwroks" in service "web" (from the anchor at line 3). did you mean "networks"?',
      '  related 3:3-3:11 written here, in the anchor',
      '8:9-8:14 unknown key "netwroks" in service "api" (from the anchor at line 3). did you mean "networks"?',
      '  related 3:3-3:11 written here, in the anchor',
    ]);
  });

  it('gives the same output on every call', () => {
    const root = load(`services:
  web:
    image: 5
    netwroks: []
`);
    const first = validateProject(root);
    expect(first).to.have.length(2);
    expect(validateProject(root)).to.deep.equal(first);
  });
});

describe('schema: the vendored awesome-compose files are valid Compose', function () {
  this.timeout(60_000);

  it('validates every .yaml/.yml file with no diagnostics', () => {
    const files = corpusFiles('awesome-compose');
    expect(files.length).to.be.greaterThan(30);
    const problems: string[] = [];
    for (const file of files) {
      const name = path.relative(FIXTURES, file);
      const parsed = parseYaml(name, fs.readFileSync(file, 'utf8'));
      for (const d of parsed.diagnostics) problems.push(`${name}:${d.span.line}:${d.span.column} ${d.ruleId}: ${d.message}`);
      for (const doc of parsed.documents) {
        if (doc.kind !== 'map') {
          problems.push(`${name}: a document is not a mapping`);
          continue;
        }
        for (const d of validateProject(doc)) problems.push(`${name}:${d.span.line}:${d.span.column} ${d.ruleId}: ${d.message}`);
      }
    }
    expect(problems).to.deep.equal([]);
  });
});
