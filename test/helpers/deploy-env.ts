/** Variables a corpus project's own instructions tell the user to export before deploying (no .env carries them). */
export const DEPLOY_ENV: Record<string, Record<string, string>> = {
  // swarmprom's README: ADMIN_USER=admin ADMIN_PASSWORD=admin HASHED_PASSWORD=$(openssl passwd -apr1 $ADMIN_PASSWORD) DOMAIN=example.com docker stack deploy -c docker-compose.traefik.yml swarmprom
  'swarm-stacks/stefanprodan__swarmprom/docker-compose.traefik.yml': { DOMAIN: 'example.test', ADMIN_USER: 'admin', ADMIN_PASSWORD: 'admin', HASHED_PASSWORD: 'hash' },
};
