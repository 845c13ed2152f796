import { expect } from 'chai';
import { parseYaml } from '../../lib/source/yaml';

// trial defect 9: a YAML error is placed at the construct that caused it, and says what, why and how to fix
const findings = (text: string) => parseYaml('compose.yaml', text).diagnostics.map((d) => `${d.span.line}:${d.span.column}-${d.span.endLine}:${d.span.endColumn} ${d.message}`);
const QUOTE = 'double-quoted string is never closed; YAML reads the rest of the file into it, so Compose cannot load the file. add the closing " (write a " inside it as \\")';

describe('yaml-syntax errors: positions and wording', () => {
  it('an unclosed double quote on line 5 of 7 is at its opening quote, not past the end of the file', () => {
    const text = 'services:\n  web:\n    image: nginx\n    environment:\n      A: "abc\n    ports: [80]\nx: 1\n';
    expect(findings(text)).to.deep.equal([`5:10-5:11 ${QUOTE}`]);
  });

  it('an escaped quote does not close the string; a closed string before it is not blamed', () => {
    expect(findings('a: "ok"\nb: "x\\"\n')).to.deep.equal([`2:4-2:5 ${QUOTE}`]);
  });

  it("an unclosed single quote, where '' is a quote inside", () => {
    expect(findings("services:\n  web:\n    image: 'it''s\n")).to.deep.equal(["3:12-3:13 single-quoted string is never closed; YAML reads the rest of the file into it, so Compose cannot load the file. add the closing ' (write a ' inside it as '')"]);
  });

  it('an unclosed flow list is at its "[", not at the next line', () => {
    expect(findings('services:\n  web:\n    ports: [80, 81\n    image: a\n')).to.deep.equal([
      '3:12-3:13 "[" of this list is never closed, or a line of it is indented no more than its key, so Compose cannot load the file. close it with "]", indenting continued lines further than the key',
    ]);
  });

  it('an unclosed flow mapping is at its "{", not past the end of the file', () => {
    expect(findings('services:\n  web: {image: a\n')).to.deep.equal([
      '2:8-2:9 "{" of this mapping is never closed, or a line of it is indented no more than its key, so Compose cannot load the file. close it with "}", indenting continued lines further than the key',
    ]);
  });

  it('a tab in the indentation says to indent with spaces', () => {
    expect(findings('services:\n\tweb:\n    image: a\n')).to.deep.equal(['2:1-2:2 tabs are not allowed as indentation; the file is not valid YAML, so Compose cannot load the file. indent with spaces']);
  });

  it('one error for a line out of place, not the three the library gives', () => {
    expect(findings('services:\n  web:\n    image: a\n    - x\n')).to.deep.equal([
      '4:1-4:2 a block sequence may not be used as an implicit map key; the file is not valid YAML, so Compose cannot load the file. put the key before the list or mapping on a line of its own, ending in ":"',
    ]);
  });

  it('a duplicate key names the key, points related at the first, and says how to fix', () => {
    const [d] = parseYaml('compose.yaml', 'services:\n  web:\n    image: a\n    image: b\n').diagnostics;
    expect(d).to.deep.equal({
      ruleId: 'yaml-syntax',
      severity: 'error',
      message: 'key "image" is written twice in this mapping (first at line 3); Compose refuses the file ("mapping key already defined"). remove one of them or merge their values',
      span: { file: 'compose.yaml', line: 4, column: 5, endLine: 4, endColumn: 10 },
      related: [{ message: 'first "image" here', span: { file: 'compose.yaml', line: 3, column: 5, endLine: 3, endColumn: 10 } }],
    });
  });
});
