import * as net from 'node:net';
import { expect } from 'chai';
import { hostTcp } from '../../lib/probe/host';

describe('probe from the host (no docker engine needed: a listener on 127.0.0.1)', () => {
  it('a port that answers without end is not the twin, and is not read on', async () => {
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = (): void => {
        while (!socket.destroyed && socket.write(chunk));
        if (!socket.destroyed) socket.once('drain', pump);
      };
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const started = Date.now();
      const o = await hostTcp('127.0.0.1', port, 3);
      expect(o).to.deep.include({ outcome: 'refused', reach: 'blocked', detail: `something else answered: "${'x'.repeat(40)}"` });
      // decided on the first few KiB, not at the 3 s timeout
      expect(Date.now() - started).to.be.below(1500);
    } finally {
      server.close();
    }
  });
});
