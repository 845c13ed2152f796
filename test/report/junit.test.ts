import { expect } from 'chai';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { formatters } from '../../lib/report';
import { fixtureFindings, fixtureInput } from './fixture';

/* eslint-disable @typescript-eslint/no-explicit-any */
const parse = (xml: string): any => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', processEntities: true, htmlEntities: false, parseTagValue: false, parseAttributeValue: false, trimValues: false }).parse(xml);

describe('report: junit', () => {
  it('is well-formed XML, for the fixture and for messages full of markup and control characters', () => {
    const nasty = { ...fixtureFindings()[0], file: 'a&b<c>"d\'.yaml', message: ']]> <!-- & &amp; "x" \'y\' \t\r\n \u0000\u0008\u000b\uFFFF \uD800 \uDC00 😀' };
    for (const input of [fixtureInput(), fixtureInput({ findings: [nasty] }), fixtureInput({ findings: [] })]) {
      const xml = formatters.junit(input);
      expect(XMLValidator.validate(xml), xml).to.equal(true);
      // the validator does not check the XML 1.0 Char production; do it here
      expect(xml).not.to.match(/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });

  it('round-trips escaped text: a parser reads back the file and the message', () => {
    const message = 'value "<a> & \'b\'" of "dns": 100%, done';
    const xml = formatters.junit(fixtureInput({ findings: [{ ...fixtureFindings()[0], message }] }));
    const suites = parse(xml).testsuites.testsuite;
    const suite = suites.find((s: any) => s.name === 'compose.yaml');
    const failing = suite.testcase.filter((c: any) => c.failure);
    expect(failing.map((c: any) => c.name)).to.deep.equal(['compose-schema']);
    expect(failing[0].failure.message).to.equal(`compose.yaml:4:5: error: ${message}`);
    expect(failing[0].failure['#text']).to.equal(`compose.yaml:4:5: error: ${message} [compose-schema]`);
  });

  it('has a testsuite per file and a testcase per rule in each, with counts that add up', () => {
    const doc = parse(formatters.junit(fixtureInput())).testsuites;
    expect(doc.testsuite.map((s: any) => s.name)).to.deep.equal(['compose.yaml', 'stacks/web,app:v1%.yml']);
    for (const suite of doc.testsuite) {
      expect(Number(suite.tests)).to.equal(suite.testcase.length);
      expect(Number(suite.failures)).to.equal(suite.testcase.filter((c: any) => c.failure).length);
      expect(new Set(suite.testcase.map((c: any) => c.name)).size).to.equal(suite.testcase.length);
    }
    expect(Number(doc.tests)).to.equal(86);
    expect(Number(doc.failures)).to.equal(3);
  });
});
