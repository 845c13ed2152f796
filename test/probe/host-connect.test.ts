import * as net from 'node:net';
import { expect } from 'chai';
import { hostConnect } from '../../lib/probe/host';

/** A server on 127.0.0.1 that treats each connection with `onConnection`; resolves to its port and a closer. */
function server(onConnection: (socket: net.Socket) => void): Promise<{ port: number; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const sockets = new Set<net.Socket>();
    const s = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      onConnection(socket);
    });
    s.listen(0, '127.0.0.1', () =>
      resolve({
        port: (s.address() as net.AddressInfo).port,
        close: () => new Promise((done) => (sockets.forEach((x) => x.destroy()), s.close(() => done()))),
      }),
    );
  });
}

describe('probe: host connections to an application (attach, real), no docker engine needed', () => {
  it('an application that answers, or keeps the connection open, is reachable', async () => {
    const talks = await server((socket) => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const silent = await server(() => undefined);
    try {
      expect(await hostConnect('127.0.0.1', talks.port, 3)).to.deep.equal({ outcome: 'ok', reach: 'reachable', detail: 'connected; the application answered' });
      expect(await hostConnect('127.0.0.1', silent.port, 3)).to.deep.equal({ outcome: 'ok', reach: 'reachable', detail: 'connected; the application keeps the connection open' });
    } finally {
      await talks.close();
      await silent.close();
    }
  });

  it("accepted and closed at once without a byte (the engine's proxy with nothing behind it), or refused: blocked", async () => {
    const proxy = await server((socket) => socket.end());
    const gone = await server(() => undefined);
    const port = gone.port;
    await gone.close();
    try {
      expect(await hostConnect('127.0.0.1', proxy.port, 3)).to.deep.equal({ outcome: 'refused', reach: 'blocked', detail: 'accepted, then closed at once without a byte: nothing answers behind the published port' });
      expect(await hostConnect('127.0.0.1', port, 3)).to.deep.equal({ outcome: 'refused', reach: 'blocked', detail: 'connection refused: nothing listens there' });
    } finally {
      await proxy.close();
    }
  });

  it('never connects anywhere but loopback', async () => {
    expect(await hostConnect('10.0.0.1', 80, 1)).to.deep.equal({ outcome: 'failed', reach: 'failed', detail: 'refusing to probe non-loopback 10.0.0.1' });
  });
});
