import { expect } from 'chai';
import { performance } from 'node:perf_hooks';
import { hostsIn } from '../../lib/model/references';

const names = (text: string, variable?: string) => hostsIn(text, variable).map((h) => `${h.name}${h.port === undefined ? '' : `:${h.port}`}@${h.start}-${h.end}`);

describe('hostsIn', () => {
  it('finds URL hosts, host:port pairs and whole-host values, with offsets', () => {
    expect(names('postgres://u:pw@db:5432/x')).to.deep.equal(['db:5432@16-18']);
    expect(names('mongodb://a:1,b:2/db?x=http://c')).to.deep.equal(['a:1@10-11', 'b:2@14-15', 'c@30-31']);
    expect(names('--upstream auth:9000 --cache redis:6379')).to.deep.equal(['auth:9000@11-15', 'redis:6379@29-34']);
    expect(names('cache', 'REDIS_HOST')).to.deep.equal(['cache@0-5']);
    expect(names('10.0.0.1:80 1234:80')).to.deep.equal([]);
  });

  it('the scheme starts at a letter after a non-word character, as the word-boundary regex found it', () => {
    expect(names('x.http://api:80')).to.deep.equal(['api:80@9-12']);
    expect(names('_a://api')).to.deep.equal([]);
    expect(names('1a://api')).to.deep.equal([]);
    expect(names('+a://api')).to.deep.equal(['api@5-8']);
  });

  it('64k "a." and a ":" in linear time (17.6 s before)', () => {
    const start = performance.now();
    expect(names('a.'.repeat(64_000) + ':')).to.deep.equal([]);
    expect(names('a.'.repeat(64_000) + '://')).to.deep.equal([]);
    expect((performance.now() - start) / 1000).to.be.below(2);
  });

  it('40k host:port pairs in linear time', () => {
    const text = Array.from({ length: 40_000 }, (_, i) => `host${i}:80`).join('   ');
    const start = performance.now();
    expect(hostsIn(text)).to.have.length(40_000);
    expect((performance.now() - start) / 1000).to.be.below(2);
  });
});
