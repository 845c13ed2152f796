import { defineRule } from '../lib/engine/rule';

/** Where the Docker engine listens on Linux hosts (`/var/run` is a symlink to `/run`). */
const SOCKETS = new Set(['/var/run/docker.sock', '/run/docker.sock']);

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
  },
  check(graph, context) {
    for (const service of graph.services.values()) {
      const image = service.image;
      if (image && !image.unknown && PROXY_IMAGE.test(image.value)) continue;
      for (const volume of service.volumes) {
        if (volume.source === undefined || volume.type === 'tmpfs' || volume.type === 'npipe') continue;
        // `//var/run/docker.sock` (Docker Desktop on Windows) and trailing slashes name the same file
        const path = volume.source.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
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
