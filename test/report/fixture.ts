import Ajv, { type ValidateFunction } from 'ajv-draft-04';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../lib/engine/finding';
import type { ReportInput } from '../../lib/report';

const DOCS = 'https://github.com/compose-netlint/compose-netlint/blob/v0.1.0/rules/';

/** A file name that needs escaping in every format: a comma and a colon (GitHub properties), a percent sign (URIs, GitHub). */
export const ODD_FILE = 'stacks/web,app:v1%.yml';

export const COMPOSE = [
  'services:',
  '  web:',
  '    image: nginx',
  '    netwroks: [front]',
  '    ports:',
  '      - "8080:80"',
  '  admin:',
  '    image: admin',
  '    ports: ["8080:80"]',
  '  db:',
  '    image: postgres',
  '    # compose-netlint-disable-next-line no-public-datastore-ports -- demo box, firewalled',
  '    ports: ["5432:5432"]',
  'networks:',
  '  legacy:',
  '    driver: bridge',
  '  spare: {}',
  '',
].join('\n');

export const ODD = ['services:', '  api:', `    dns: ["<10.0.0.1> & 'x'"]`, ''].join('\n');

/**
 * A fixed set of findings, sorted as the engine sorts them: a loader finding without category or docs,
 * one with a related location, an inline-suppressed one, a multi-line span, two findings of one rule in
 * one file, and an info finding in an oddly named file whose message holds characters every format must
 * escape (XML's `<&'"`, `%`, a comma and a colon, CR LF, a control character).
 */
export function fixtureFindings(): Finding[] {
  return [
    {
      ruleId: 'compose-schema',
      severity: 'error',
      message: 'unknown key "netwroks" in service "web". did you mean "networks"?',
      file: 'compose.yaml',
      line: 4,
      column: 5,
      endLine: 4,
      endColumn: 13,
    },
    {
      ruleId: 'no-duplicate-published-ports',
      severity: 'error',
      message: 'host port "8080/tcp" is published by both "web" and "admin" (line 6); the second container will fail to start. publish a different host port',
      file: 'compose.yaml',
      line: 9,
      column: 13,
      endLine: 9,
      endColumn: 22,
      related: [{ message: 'service "web" publishes it here', file: 'compose.yaml', line: 6, column: 9, endLine: 6, endColumn: 18 }],
      service: 'admin',
      category: 'correctness',
      docsUrl: `${DOCS}no-duplicate-published-ports.md`,
    },
    {
      ruleId: 'no-public-datastore-ports',
      severity: 'warning',
      message: 'service "db" publishes datastore port "5432" on all host interfaces; anyone who reaches the host reaches the database. bind it to "127.0.0.1"',
      file: 'compose.yaml',
      line: 13,
      column: 13,
      endLine: 13,
      endColumn: 24,
      service: 'db',
      category: 'security',
      docsUrl: `${DOCS}no-public-datastore-ports.md`,
      suppressed: { justification: 'demo box, firewalled' },
    },
    {
      ruleId: 'no-unused-network',
      severity: 'warning',
      message: 'network "legacy" is declared but no service uses it; Compose creates it for nothing. remove it or attach a service',
      file: 'compose.yaml',
      line: 15,
      column: 3,
      endLine: 16,
      endColumn: 19,
      network: 'legacy',
      category: 'style',
      docsUrl: `${DOCS}no-unused-network.md`,
    },
    {
      ruleId: 'no-unused-network',
      severity: 'warning',
      message: 'network "spare" is declared but no service uses it; Compose creates it for nothing. remove it or attach a service',
      file: 'compose.yaml',
      line: 17,
      column: 3,
      endLine: 17,
      endColumn: 8,
      network: 'spare',
      category: 'style',
      docsUrl: `${DOCS}no-unused-network.md`,
    },
    {
      ruleId: 'no-invalid-address',
      severity: 'info',
      message: `dns server "<10.0.0.1> & 'x'" of service "api" is not an IP address, so 100% of lookups fail:\r\nuse an address such as "10.0.0.1"\u0001`,
      file: ODD_FILE,
      line: 3,
      column: 11,
      endLine: 3,
      endColumn: 29,
      service: 'api',
      category: 'correctness',
      docsUrl: `${DOCS}no-invalid-address.md`,
    },
  ];
}

export function fixtureInput(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    findings: fixtureFindings(),
    sources: new Map([
      ['compose.yaml', COMPOSE],
      [ODD_FILE, ODD],
    ]),
    projects: [
      { name: 'shop', mode: 'compose', modeReason: '"compose.yaml" is a file name docker compose finds by itself', files: ['compose.yaml'] },
      { name: 'stacks', mode: 'stack', files: [ODD_FILE] },
    ],
    color: false,
    toolVersion: '0.1.0',
    exitCode: 1,
    ...overrides,
  };
}

export function golden(name: string): string {
  return fs.readFileSync(path.join(__dirname, 'goldens', name), 'utf8');
}

/** The official SARIF 2.1.0 schema, vendored with its notice (schemas/SOURCES.md). */
export const SARIF_SCHEMA = path.resolve(__dirname, '../../schemas/sarif-schema-2.1.0.json');

let validate: ValidateFunction | undefined;

/** Validates a SARIF log against the official 2.1.0 schema (draft-04), checking `uri`, `uri-reference` and `date-time` formats too. */
export function sarifErrors(log: unknown): string[] {
  if (!validate) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addFormat('uri', (value: string) => URL.canParse(value));
    ajv.addFormat('uri-reference', (value: string) => !/\s/.test(value) && URL.canParse(value, 'file:///base/'));
    ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
    validate = ajv.compile(JSON.parse(fs.readFileSync(SARIF_SCHEMA, 'utf8')));
  }
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
