import { expect } from 'chai';
import { formatText } from '../../lib/probe/report';
import type { CaseResult, ProbeCase, ProbeReport } from '../../lib/probe/types';

/** The probe's text report with names a hostile project can choose (no engine needed). */

const ESC = '\x1b';
const INJECT = '\n::warning file=compose.yaml::pwned';
const SERVICE = `web${ESC}[2J`;
const ALIAS = `db${INJECT}`;

function result(c: Partial<ProbeCase> & Pick<ProbeCase, 'id' | 'source' | 'column'>, extra: Partial<CaseResult> = {}): CaseResult {
  const full: ProbeCase = { kind: 'dns', target: { via: 'name', name: c.column }, expect: true, basis: `resolves(${c.source}, "${c.column}")`, ...c };
  return { case: full, tries: [{ outcome: 'ok', reach: 'reachable', detail: `answered${INJECT}` }], final: { outcome: 'ok', reach: 'reachable', detail: `answered${INJECT}` }, agrees: true, ...extra };
}

function hostileReport(): ProbeReport {
  const results = [
    result({ id: 1, source: SERVICE, column: ALIAS }, { agrees: false, reproduce: `docker exec cnl-web nslookup ${ALIAS}` }),
    result({ id: 2, source: SERVICE, column: 'api' }),
    result({ id: 3, source: 'api', column: ALIAS, skip: `"${ALIAS}" is not a host name the probe passes to nslookup` }),
    result({ id: 4, source: 'api', column: 'api' }, { flaky: true, reproduce: `docker exec cnl-api nslookup api${INJECT}` }),
  ];
  return {
    run: '0badc0de',
    project: `shop${ESC}]0;title${ESC}\\`,
    mode: 'compose',
    engine: { host: 'unix:///var/run/docker.sock', version: '20.10.24', swarm: false },
    image: 'busybox',
    kept: false,
    notes: [`"${SERVICE}" has no twin: the engine said${INJECT}\r`],
    findings: [
      {
        finding: { ruleId: 'no-unreachable-reference', severity: 'error', message: 'x', file: `compose${ESC}[31m.yaml`, line: 3, column: 5, endLine: 3, endColumn: 9, service: SERVICE },
        verdict: 'refuted',
        reason: `dns resolves "${ALIAS}": reachable`,
        cases: [1],
      },
    ],
    results,
    events: [{ kind: 'start-failed', service: SERVICE, message: `"${SERVICE}" did not start: ${INJECT}\u009b2J` }],
    summary: { probes: 3, agreeing: 2, disagreeing: 1, failed: 0, flaky: 1, notProbed: 1, unpredicted: 0, seconds: 1 },
    exitCode: 1,
  };
}

describe('probe text report: names from the project are escaped as the lint formats escape them', () => {
  it('no control character reaches the output, and no line starts with a workflow command', () => {
    const text = formatText(hostileReport());
    expect([...text].filter((c) => c !== '\n' && (c < ' ' || (c >= '\x7f' && c <= '\x9f')))).to.deep.equal([]);
    expect(text.split('\n').filter((line) => line.trimStart().startsWith('::'))).to.deep.equal([]);
    expect(text).to.include('compose-netlint probe: project "shop\\u001B]0;title\\u001B\\" (compose)');
    expect(text).to.include('note: "web\\u001B[2J" has no twin: the engine said\\n::warning file=compose.yaml::pwned\\r\n');
    expect(text).to.include('  compose\\u001B[31m.yaml:3:5  error  no-unreachable-reference  web\\u001B[2J  refuted\n');
    expect(text).to.include('  "web\\u001B[2J" did not start: \\n::warning file=compose.yaml::pwned\\u009B2J\n');
    expect(text).to.include('    docker exec cnl-web nslookup db\\n::warning file=compose.yaml::pwned\n');
    expect(text).to.include('  dns api resolves "api": reachable\n    docker exec cnl-api nslookup api\\n::warning file=compose.yaml::pwned\n');
  });

  it('keeps the matrix aligned on the escaped names', () => {
    const text = formatText(hostileReport());
    const lines = text.split('\n');
    const header = lines.findIndex((l) => l.startsWith('Name resolution'));
    expect(lines.slice(header + 1, header + 4)).to.deep.equal([
      '                db\\n::warning file=compose.yaml::pwned  api',
      '  web\\u001B[2J  .*                                      .',
      '  api           -                                       ~',
    ]);
  });
});
