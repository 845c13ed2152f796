import { expect } from 'chai';
import { defaultConfig } from '../../lib/engine/config';
import { subjectId } from '../../lib/engine/finding';
import { lintProject } from '../../lib/lint';
import { rules } from '../../rules';
import { tempProject } from '../helpers/project';

/** Each finding of a project as `ruleId subject`, the subject as subjectId writes it. */
function subjects(text: string, mode: 'compose' | 'stack'): string[] {
  const dir = tempProject({ 'compose.yaml': text });
  const { findings } = lintProject({ target: dir, cwd: dir, env: {}, rules, config: defaultConfig(), mode });
  return findings.filter((f) => f.ruleId === 'no-dnsrr-ingress' || f.ruleId === 'no-invalid-address').map((f) => `${f.ruleId} ${f.subject ? subjectId(f.subject) : '-'}`);
}

describe('rules: a finding about one ports entry has that binding as its subject', () => {
  it('no-invalid-address: a host_ip that is not an address is about its binding', () => {
    expect(subjects('services:\n  web: {image: a, ports: ["8080:80", "myhost:8081:81"]}\n', 'compose')).to.deep.equal(['no-invalid-address binding:web/1']);
  });

  it('no-dnsrr-ingress: an ingress port of a dnsrr service is about its binding', () => {
    const text = 'services:\n  web:\n    image: a\n    ports: [{target: 80, mode: host}, "8081:81"]\n    deploy: {endpoint_mode: dnsrr}\n';
    expect(subjects(text, 'stack')).to.deep.equal(['no-dnsrr-ingress binding:web/1']);
  });
});
