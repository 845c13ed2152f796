/**
 * Docker names an external network can never have.
 *
 * The engine refuses to create a network named `default`: moby's network router rejects the name
 * of every predefined network (runconfig.IsPreDefinedNetwork: `bridge`, `host`, `none`, and
 * `default`, which stands for the default bridge), and `default` is the one of them that is not a
 * real network, so no network by that name ever exists. Checked on Docker 20.10:
 * `docker network create default` answers "operation is not permitted on predefined default
 * network" and `docker network inspect default` finds nothing. An external network whose Docker
 * name is `default` (for instance `networks: { default: { external: true } }` with no `name`, which
 * keeps the key as the name) is therefore never found: Compose stops with "network default declared
 * as external, but could not be found" (docker/compose#12495), and `docker stack deploy` with
 * "network default not found" (checked on Docker 20.10).
 */
export const UNFINDABLE_EXTERNAL_NAME = 'default';

/** Whether an external network of this Docker name can never be found on any engine (names are case-sensitive). */
export function externalNeverFound(dockerName: string): boolean {
  return dockerName === UNFINDABLE_EXTERNAL_NAME;
}
