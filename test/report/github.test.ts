import { expect } from 'chai';
import { escapeData, escapeProperty, github } from '../../lib/report/github';
import { fixtureFindings, fixtureInput } from './fixture';

describe('report: github workflow commands', () => {
  it('escapes a message as @actions/core does: %, CR, LF only', () => {
    expect(escapeData('100% a:b,c\r\nd')).to.equal('100%25 a:b,c%0D%0Ad');
  });

  it('escapes a property value as @actions/core does: %, CR, LF, colon and comma', () => {
    expect(escapeProperty('a%b:c,d\r\ne')).to.equal('a%25b%3Ac%2Cd%0D%0Ae');
  });

  it('escapes % before the sequences it introduces, so "%0A" in a value stays literal', () => {
    expect(escapeData('%0A')).to.equal('%250A');
  });

  it('turns end-exclusive columns into GitHub inclusive ones, and a zero-width span into a one-character one', () => {
    const f = { ...fixtureFindings()[0], column: 7, endColumn: 7 };
    expect(github(fixtureInput({ findings: [f] }))).to.match(/^::error file=compose\.yaml,line=4,col=7,endLine=4,endColumn=7,title=compose-schema::/);
  });

  it('gives lines only for a finding over several lines, as GitHub refuses columns there', () => {
    const out = github(fixtureInput({ findings: [fixtureFindings()[3]] }));
    expect(out).to.match(/^::warning file=compose\.yaml,line=15,endLine=16,title=no-unused-network::/);
  });

  it('maps info to notice', () => {
    expect(github(fixtureInput({ findings: [fixtureFindings()[5]] }))).to.match(/^::notice /);
  });
});
