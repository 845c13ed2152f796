import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadProject } from '../../lib/source/project';
import { randomProject, FUZZ_PORTS } from '../helpers/random-project';
import { tempProject } from '../helpers/project';

const SEEDS = Array.from({ length: 200 }, (_, i) => i + 1);

describe('the random-project generator of the differential runner', () => {
  it('is a pure function of its seed', () => {
    expect(randomProject(17).text).to.equal(randomProject(17).text);
    expect(randomProject(17).text).to.not.equal(randomProject(18).text);
  });

  it('over 200 seeds draws every feature the issue lists, and some deliberate mistakes', () => {
    const all = SEEDS.map((s) => randomProject(s).text).join('\n');
    for (const needle of [
      'internal: true',
      'subnet: 10.4',
      'ipv4_address:',
      'aliases:',
      'network_mode: bridge',
      'network_mode: host',
      'network_mode: none',
      'network_mode: service:',
      'container_name:',
      'hostname:',
      'links:',
      'extra_hosts:',
      'expose:',
      '127.0.0.1::',
      '/udp',
      'host_ip: 127.0.0.1',
      'scale:',
      'replicas:',
      '_URL=http://',
      'depends_on:',
      'profiles:',
      '- default',
      'ghost',
    ])
      expect(all, needle).to.include(needle);
    const features = SEEDS.flatMap((s) => randomProject(s).features).join('\n');
    for (const mistake of ['mistake: network_mode with networks', 'mistake: static address outside any subnet', 'mistake: undeclared network', 'duplicate host port', 'host range to one port']) expect(features, mistake).to.include(mistake);
  });

  it('has 2 to 7 services, subnets only in 10.40.0.0/14, host ports only in its range, never 192.0.2.0/24', () => {
    for (const seed of SEEDS) {
      const p = randomProject(seed);
      const doc = parse(p.text) as { services: Record<string, unknown> };
      expect(Object.keys(doc.services).length, `seed ${seed}`).to.be.within(2, 7);
      // the twin of a Compose project: nothing in it makes the loader read it as a stack
      const dir = tempProject({ 'compose.yaml': p.text });
      expect(loadProject({ cwd: dir, files: ['compose.yaml'], env: {} }).mode, `seed ${seed}`).to.equal('compose');
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
      expect(p.text).to.not.include('192.0.2.');
      for (const m of p.text.matchAll(/\b10\.(\d+)\.\d+\.\d+/g)) expect(Number(m[1]), `seed ${seed}: ${m[0]}`).to.be.within(40, 44);
      for (const m of p.text.matchAll(/\b(\d{5})\b/g)) expect(Number(m[1]), `seed ${seed}: ${m[0]}`).to.be.within(FUZZ_PORTS[0], FUZZ_PORTS[1]);
    }
  });
});
