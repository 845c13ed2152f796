import { defineRule } from '../lib/engine/rule';

/** Where the Docker engine listens on Linux hosts (`/var/run` is a symlink to `/run`). */
const SOCKETS = new Set(['/var/run/docker.sock', '/run/docker.sock']);

/**
 * Folders whose bind mount carries the socket, with where it is below them: `/run` itself, `/var/run` (a symlink to
 * `/run` that the engine resolves when it mounts it), and `/` (where `var/run` stays a symlink, resolved inside the
 * container, so only `run/docker.sock` is the host's socket; checked on Docker 20.10).
 */
const PARENTS = new Map([
  ['/', '/run/docker.sock'],
  ['/run', '/docker.sock'],
  ['/var/run', '/docker.sock'],
]);

/** A socket proxy (tecnativa/docker-socket-proxy, linuxserver/socket-proxy, ...) is the one place the socket belongs. */
const PROXY_IMAGE = /(^|\/)[^/:@]*socket-proxy(:|@|$)/;

export default defineRule({
  id: 'no-docker-socket-mount',
  category: 'security',
  severity: 'warning',
  description: 'Disallow mounting the Docker socket into a container',
  securitySeverity: 8.8,
  probe: { notProbed: 'the twin mounts no volumes' },
  messages: {
    socket:
      'service "{{service}}" mounts the Docker socket "{{source}}"{{readOnly}}; whoever controls this container controls the Docker engine, which is root on the host. ' +
      'remove the mount, or put a socket proxy in front of it that allows only the API calls the service needs',
    parent:
      'service "{{service}}" mounts "{{source}}" at "{{target}}"{{readOnly}}; that folder holds the Docker socket, so the container reaches the engine\'s API at "{{inside}}", ' +
      'and whoever controls this container controls the Docker engine, which is root on the host. mount only the files the service needs, ' +
      'or put a socket proxy in front of the socket that allows only the API calls the service needs',
    apiSocket:
      'service "{{service}}" sets "use_api_socket: true", which makes Compose mount the Docker socket into the container, with the registry credentials of whoever runs Compose; ' +
      'whoever controls this container controls the Docker engine, which is root on the host. remove it, or give the service a socket proxy that allows only the API calls it needs',
  },
  check(graph, context) {
    for (const service of graph.services.values()) {
      const image = service.image;
      if (image && !image.unknown && PROXY_IMAGE.test(image.value)) continue;
      if (service.useApiSocket?.value === true && !service.useApiSocket.unknown) {
        context.report({ messageId: 'apiSocket', at: service.useApiSocket, service: service.name, data: { service: service.name } });
      }
      for (const volume of service.volumes) {
        if (volume.source === undefined || volume.type === 'tmpfs' || volume.type === 'npipe') continue;
        // `//var/run/docker.sock` (Docker Desktop on Windows) and trailing slashes name the same file
        const path = volume.source.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
        const below = PARENTS.get(path);
        if (below !== undefined && volume.target !== undefined) {
          context.report({
            messageId: 'parent',
            at: volume,
            service: service.name,
            data: { service: service.name, source: volume.source, target: volume.target, inside: volume.target.replace(/\/+$/, '') + below, readOnly: volume.readOnly ? ' read-only, which restricts the files, not the API' : '' },
          });
          continue;
        }
        if (!SOCKETS.has(path)) continue;
        context.report({
          messageId: 'socket',
          at: volume,
          service: service.name,
          data: { service: service.name, source: volume.source, readOnly: volume.readOnly ? ' read-only, which restricts the file, not the API' : '' },
        });
      }
    }
  },
});
