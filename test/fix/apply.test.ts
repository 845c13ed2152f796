import { expect } from 'chai';
import type { Finding } from '../../lib/engine/finding';
import type { TextEdit } from '../../lib/engine/fix';
import { applyEdits, chooseFixes } from '../../lib/fix/apply';

const edit = (line: number, column: number, endLine: number, endColumn: number, text: string, file = 'compose.yaml'): TextEdit => ({ file, line, column, endLine, endColumn, text });
const finding = (edits: TextEdit[], extra: Partial<Finding> = {}): Finding => ({
  ruleId: 'r',
  severity: 'warning',
  message: 'm',
  file: 'compose.yaml',
  line: edits[0].line,
  column: edits[0].column,
  endLine: edits[0].endLine,
  endColumn: edits[0].endColumn,
  fix: { title: 't', safety: 'safe', edits },
  ...extra,
});

describe('fix: choosing and applying text edits', () => {
  it('applies replacements, deletions and insertions by position, whatever their order', () => {
    const text = 'a: 1\nb: 2\nc: 3\n';
    expect(applyEdits(text, [edit(3, 4, 3, 5, '30'), edit(2, 1, 3, 1, ''), edit(1, 1, 1, 1, '# top\n')])).to.equal('# top\na: 1\nc: 30\n');
  });

  it('takes fixes that do not touch one another, and leaves an overlapping one or a second insertion at one point for the next pass', () => {
    const a = finding([edit(2, 1, 4, 1, '')]);
    const inside = finding([edit(3, 2, 3, 4, 'x')]);
    const atEnd = finding([edit(4, 1, 4, 1, 'y\n')]);
    const sameInsert = finding([edit(4, 1, 4, 1, 'z\n')]);
    const suppressed = finding([edit(9, 1, 9, 2, 'q')], { suppressed: { justification: 'why' } });
    const behaviour = finding([edit(7, 1, 7, 2, 'w')]);
    behaviour.fix!.safety = 'changes-behaviour';
    const { fixed, edits } = chooseFixes([sameInsert, inside, a, atEnd, suppressed, behaviour]);
    expect(fixed).to.deep.equal([a, sameInsert, behaviour]);
    expect(edits.get('compose.yaml')!.map((e) => e.text)).to.deep.equal(['', 'z\n', 'w']);
    expect(chooseFixes([behaviour], true).fixed).to.deep.equal([]);
  });

  it('chooses among many fixes in one file in linear time, not by comparing every pair', () => {
    const many = Array.from({ length: 50_000 }, (_, i) => finding([edit(i + 1, 5, i + 1, 9, 'x')]));
    const started = process.hrtime.bigint();
    expect(chooseFixes(many).fixed).to.have.length(50_000);
    // every pair would be 1.25e9 comparisons; the neighbour checks take well under a second
    expect(Number(process.hrtime.bigint() - started) / 1e6).to.be.below(2000);
  });
});
