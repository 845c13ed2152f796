import { expect } from 'chai';
import type { Finding } from '../../lib/engine/finding';
import { fingerprints } from '../../lib/report/shared';

const base: Finding = {
  ruleId: 'no-duplicate-published-ports',
  severity: 'error',
  message: 'host port "8080/tcp" is published by both "web" and "admin" (line 4); …',
  file: 'compose.yaml',
  line: 7,
  column: 14,
  endLine: 7,
  endColumn: 25,
  messageId: 'published',
  data: { port: '8080/tcp', first: '"web"', second: '"admin"', line: '4' },
  subject: { kind: 'binding', service: 'admin', index: 0 },
};

describe('report: fingerprints', () => {
  const print = (f: Finding): string => fingerprints([f], new Map([['compose.yaml', 'x\n'.repeat(20)]]))[0];

  it('of a rule finding come from messageId, subject and data: not the message text, the position or the line it names', () => {
    const moved = { ...base, line: 12, endLine: 12, message: 'reworded, naming line 9', data: { ...base.data, line: '9' } };
    expect(print(moved)).to.equal(print(base));
  });

  it('change with the subject, the messageId or the data', () => {
    expect(print({ ...base, subject: { kind: 'binding', service: 'admin', index: 1 } })).to.not.equal(print(base));
    expect(print({ ...base, messageId: 'publishedTwice' })).to.not.equal(print(base));
    expect(print({ ...base, data: { ...base.data, port: '8081/tcp' } })).to.not.equal(print(base));
  });

  it('of a finding without messageId still come from its message, line numbers blanked', () => {
    const { messageId: _m, data: _d, subject: _s, ...plain } = base;
    expect(print({ ...plain, message: 'bad (line 3)' })).to.equal(print({ ...plain, message: 'bad (line 8)' }));
    expect(print({ ...plain, message: 'bad' })).to.not.equal(print({ ...plain, message: 'worse' }));
  });
});
