import { expect } from 'chai';
import { addressScope, parseAddress, parseSocketTables } from '../../lib/probe/sockets';

// read in a container through SOCKETS_SCRIPT (socat listeners on 127.0.0.1:8080/tcp, [::]:8082/tcp6 and
// 0.0.0.0:5353/udp), with rows added for ::1, ::ffff:127.0.0.1, an established connection and a connected UDP socket
const TABLES = [
  '@@cnl-sockets tcp',
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6022947 1 00000000c52c9228 100 0 0 10 0',
  '   1: 0200A8C0:1F90 0300A8C0:D431 01 00000000:00000000 00:00000000 00000000     0        0 6022948 1 00000000c52c9229 20 4 30 10 -1',
  '@@cnl-sockets tcp6',
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 00000000000000000000000000000000:1F92 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6022941 1 00000000f72932cf 100 0 0 10 0',
  '   1: 00000000000000000000000001000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6022942 1 00000000f72932d0 100 0 0 10 0',
  '   2: 0000000000000000FFFF00000100007F:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6022943 1 00000000f72932d1 100 0 0 10 0',
  '@@cnl-sockets udp',
  '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
  ' 1583: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 6022950 2 0000000037a82223 0',
  ' 1584: 0200A8C0:A001 0300A8C0:0035 01 00000000:00000000 00:00000000 00000000     0        0 6022951 2 0000000037a82224 0',
  '@@cnl-sockets udp6',
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
].join('\n');

describe('probe: socket tables (/proc/net/tcp, tcp6, udp, udp6)', () => {
  it('reads listening TCP sockets and unconnected UDP sockets, with address, port and scope', () => {
    expect(parseSocketTables(TABLES)).to.deep.equal([
      { protocol: 'tcp', address: '127.0.0.1', port: 8080, scope: 'loopback' },
      { protocol: 'tcp', address: '::', port: 8082, scope: 'any' },
      { protocol: 'tcp', address: '::1', port: 8081, scope: 'loopback' },
      { protocol: 'tcp', address: '::ffff:127.0.0.1', port: 80, scope: 'loopback' },
      { protocol: 'udp', address: '0.0.0.0', port: 5353, scope: 'any' },
    ]);
  });

  it("decodes the kernel's little-endian words", () => {
    expect(parseAddress('0100007F')).to.equal('127.0.0.1');
    expect(parseAddress('0200A8C0')).to.equal('192.168.0.2');
    expect(parseAddress('000080FE00000000FF000000020000AC')).to.equal('fe80::ff:ac00:2');
    expect(parseAddress('zz')).to.equal(undefined);
  });

  it('tells every address, loopback and one specific address apart', () => {
    expect(['0.0.0.0', '::', '127.0.0.11', '::1', '::ffff:127.0.0.1', '172.18.0.2'].map(addressScope)).to.deep.equal(['any', 'any', 'loopback', 'loopback', 'loopback', 'specific']);
  });

  it('skips a table that is missing (no IPv6) and text that is not a table', () => {
    expect(parseSocketTables("@@cnl-sockets tcp6\ncat: can't open\n@@cnl-sockets tcp\nnot a row\n")).to.deep.equal([]);
  });
});
