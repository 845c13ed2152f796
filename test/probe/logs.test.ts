import { expect } from 'chai';
import { sidecarName } from '../../lib/probe/attach';
import { demuxLogs, lastLines, LOG_TAIL } from '../../lib/probe/logs';

/** One frame of Docker's multiplexed log stream: stream type, three zero bytes, big-endian size, payload. */
function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('probe: what a stopped application container left behind', () => {
  it('demuxLogs joins stdout and stderr frames in order and leaves TTY logs as they are', () => {
    const buffer = Buffer.concat([frame(1, 'starting api\n'), frame(2, 'cannot read /etc/api/config.toml\n')]);
    expect(demuxLogs(buffer)).to.equal('starting api\ncannot read /etc/api/config.toml\n');
    expect(demuxLogs(Buffer.from('plain\r\ntext\n'), true)).to.equal('plain\r\ntext\n');
  });

  it('lastLines keeps the last non-empty lines, without colours or carriage returns', () => {
    expect(lastLines('one\n\ntwo\r\n\x1b[31mthree\x1b[0m\nfour\nfive\nsix\n')).to.deep.equal(['two', 'three', 'four', 'five', 'six']);
  });

  it('lastLines cuts a long line and drops the oldest lines while the total is too long', () => {
    const long = 'x'.repeat(500);
    expect(lastLines(long)).to.deep.equal([`${'x'.repeat(LOG_TAIL.lineChars - 1)}…`]);
    const lines = lastLines(Array.from({ length: 5 }, (_, i) => `${i}${'y'.repeat(150)}`).join('\n'));
    expect(lines.map((l) => l[0])).to.deep.equal(['2', '3', '4']);
    expect(lines.join('').length).to.be.at.most(LOG_TAIL.totalChars);
  });

  it('sidecarName does not repeat the run prefix of a container of the run (--real), and adds it to others (--attach)', () => {
    expect(sidecarName('ab12cd34', 'cnl-ab12cd34-shop-api-1')).to.equal('cnl-ab12cd34-shop-api-1-sidecar');
    expect(sidecarName('ab12cd34', 'shop-api-1')).to.equal('cnl-ab12cd34-shop-api-1-sidecar');
  });
});
