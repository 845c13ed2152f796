import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { answered } from './outcome';
import { parseBanner } from './scripts';
import type { Observation } from './types';

/** Only loopback addresses are probed from the harness process. */
export function isLoopback(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || address === '::1';
}

/** Bytes of an answer read before deciding that it is not the twin's banner ("cnl-ok <service>\n"). */
const BANNER_BYTES = 4096;

/** Connects from this process to a published TCP port and reads the twin's banner, within `seconds`. */
export function hostTcp(address: string, port: number, seconds: number): Promise<Observation> {
  if (!isLoopback(address)) return Promise.resolve({ outcome: 'failed', reach: 'failed', detail: `refusing to probe non-loopback ${address}` });
  return new Promise((resolve) => {
    let data = '';
    let connected = false;
    let settled = false;
    const socket = net.connect({ host: address, port });
    const finish = (o: Observation): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const judge = (): void => {
      const banner = parseBanner(data);
      if (banner) finish({ outcome: 'ok', reach: 'reachable', ...answered(banner) });
      else if (connected) finish({ outcome: 'refused', reach: 'blocked', detail: data ? `something else answered: "${data.trim().slice(0, 40)}"` : 'accepted, then closed without the twin banner' });
    };
    const timer = setTimeout(() => {
      if (/cnl-ok/.test(data)) return judge();
      finish({ outcome: 'timeout', reach: 'blocked', detail: connected ? 'connected, no banner (timed out)' : 'no answer (timed out)' });
    }, seconds * 1000);
    socket.setEncoding('utf8');
    socket.on('connect', () => (connected = true));
    socket.on('data', (chunk: string) => {
      data += chunk;
      // the twin's banner is one short line: whatever sends more is not the twin, and is not read on
      if (/cnl-ok.*\n/.test(data) || data.length > BANNER_BYTES) judge();
    });
    socket.on('end', judge);
    socket.on('close', judge);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') finish({ outcome: 'refused', reach: 'blocked', detail: 'connection refused: nothing listens there' });
      else if (error.code === 'ECONNRESET' && connected) judge();
      else finish({ outcome: 'failed', reach: 'failed', detail: `${error.code ?? 'error'}: ${error.message}` });
    });
  });
}

/** Sends a datagram from this process to a published UDP port and waits for the echo. */
export function hostUdp(address: string, port: number, seconds: number, token: string): Promise<Observation> {
  if (!isLoopback(address)) return Promise.resolve({ outcome: 'failed', reach: 'failed', detail: `refusing to probe non-loopback ${address}` });
  return new Promise((resolve) => {
    const socket = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
    let settled = false;
    const finish = (o: Observation): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ outcome: 'timeout', reach: 'blocked', detail: 'no echo' }), seconds * 1000);
    const message = `cnl-ping ${token}\n`;
    socket.on('message', (data) => {
      if (data.toString('utf8').includes(`cnl-ping ${token}`)) finish({ outcome: 'ok', reach: 'reachable', detail: 'echoed' });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') finish({ outcome: 'refused', reach: 'blocked', detail: 'port unreachable: nothing listens there' });
      else finish({ outcome: 'failed', reach: 'failed', detail: `${error.code ?? 'error'}: ${error.message}` });
    });
    socket.connect(port, address, () => socket.send(message));
  });
}

/** How long a connection to an application may stay silent before it counts as answered: it accepted and kept it open. */
const QUIET_MS = 1000;

/**
 * Connects from this process to a port an application publishes (attach and real modes, where no twin
 * banner is sent) within `seconds`: reachable when the application sends something or keeps the
 * connection open for a second; blocked when the connection is refused, or accepted and closed at once
 * without a byte, which is what the engine's port proxy (docker-proxy) does when nothing answers behind
 * it (moby/libnetwork/cmd/proxy/tcp_proxy.go: the client is closed when the dial to the container fails).
 */
export function hostConnect(address: string, port: number, seconds: number): Promise<Observation> {
  if (!isLoopback(address)) return Promise.resolve({ outcome: 'failed', reach: 'failed', detail: `refusing to probe non-loopback ${address}` });
  return new Promise((resolve) => {
    let settled = false;
    let quiet: NodeJS.Timeout | undefined;
    const socket = net.connect({ host: address, port });
    const finish = (o: Observation): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(quiet);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ outcome: 'timeout', reach: 'blocked', detail: 'no answer (timed out)' }), seconds * 1000);
    socket.on('connect', () => {
      quiet = setTimeout(() => finish({ outcome: 'ok', reach: 'reachable', detail: 'connected; the application keeps the connection open' }), Math.min(QUIET_MS, seconds * 1000));
    });
    socket.on('data', () => finish({ outcome: 'ok', reach: 'reachable', detail: 'connected; the application answered' }));
    const closed = (): void => finish({ outcome: 'refused', reach: 'blocked', detail: 'accepted, then closed at once without a byte: nothing answers behind the published port' });
    socket.on('end', closed);
    socket.on('close', closed);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') finish({ outcome: 'refused', reach: 'blocked', detail: 'connection refused: nothing listens there' });
      else if (error.code === 'ECONNRESET') closed();
      else finish({ outcome: 'failed', reach: 'failed', detail: `${error.code ?? 'error'}: ${error.message}` });
    });
  });
}
