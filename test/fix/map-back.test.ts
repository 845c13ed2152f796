import { expect } from 'chai';
import type { Finding } from '../../lib/engine/finding';
import { positionsBeforeFixes } from '../../lib/fix/map-back';

const BEFORE = 'services:\n  db:\n    ports: ["5432:5432"]\n  web:\n    image: nginx\n';
const AFTER = 'services:\n  db:\n    extra_hosts:\n      - "a:1.2.3.4"\n    ports: ["127.0.0.1:5432:5432"]\n  web:\n    image: nginx\n';

function finding(line: number, column: number, endColumn: number, extra: Partial<Finding> = {}): Finding {
  return { ruleId: 'r', severity: 'warning', message: 'm', file: 'compose.yaml', line, column, endLine: line, endColumn, ...extra };
}

describe('fix: positions of what remains after a dry run, moved to the text on disk', () => {
  const files = new Map([['compose.yaml', { before: BEFORE, after: AFTER }]]);

  it('moves a span on an unchanged line exactly, with its related place and the line its message names', () => {
    const [moved] = positionsBeforeFixes([finding(7, 12, 17, { message: 'see line 6', related: [{ message: 'here', file: 'compose.yaml', line: 6, column: 3, endLine: 6, endColumn: 6 }] })], files);
    expect(moved).to.deep.include({ line: 5, column: 12, endLine: 5, endColumn: 17, message: 'see line 4' });
    expect(moved.related).to.deep.equal([{ message: 'here', file: 'compose.yaml', line: 4, column: 3, endLine: 4, endColumn: 6 }]);
  });

  it('puts a span on a line the fixes wrote on the line it replaced, within that line, says so and drops its fix', () => {
    const fix = { title: 't', safety: 'safe' as const, edits: [{ file: 'compose.yaml', line: 5, column: 13, endLine: 5, endColumn: 35, text: '' }] };
    const [moved] = positionsBeforeFixes([finding(5, 13, 35, { fix })], files);
    expect(moved).to.deep.include({ line: 3, column: 13, endLine: 3, endColumn: 25, message: 'm (on a line the fixes change: the position is of the text before them)' });
    expect(moved.fix).to.equal(undefined);
  });

  it('leaves findings of files the fixes did not change as they are', () => {
    const other = { ...finding(2, 1, 3), file: 'other.yaml' };
    expect(positionsBeforeFixes([other], files)).to.deep.equal([other]);
  });
});
