import { expect } from 'chai';
import { externalNeverFound } from '../../lib/model/external-network';

describe('model: external network names no engine has', () => {
  it('"default" is never found (Docker 20.10 refuses to create it); the predefined networks and other names may exist', () => {
    expect(externalNeverFound('default')).to.equal(true);
    expect(['bridge', 'host', 'none', 'Default', 'proj_default', 'default2'].filter(externalNeverFound)).to.deep.equal([]);
  });
});
