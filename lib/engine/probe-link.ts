/**
 * How a rule's findings are checked on the probe's twin, declared with the rule as data (rules never import
 * lib/probe): which kinds of cells observe them and what the finding claims about those cells, or what
 * the engine does instead, or why nothing on one machine can observe them. lib/probe/verdicts.ts turns each
 * `claim` into cases and verdicts; test/rules/meta.test.ts checks every rule declares one and that the cell
 * and event kinds named here are ones the probe has.
 */

/** Kinds of probe cells (lib/probe/types.ts PROBE_KINDS): name resolution, TCP and UDP between services, ports from the host. */
export type CellKind = 'dns' | 'tcp' | 'udp' | 'host';

/** What the engine reports while the twin comes up (lib/probe/types.ts EngineEvent kinds). */
export type EventKind = 'bind-failed' | 'start-failed' | 'network-failed' | 'create-failed';

/**
 * What a finding claims, in the probe's terms:
 * - `name-needs-address`: from the finding's service, its referenced name does not resolve, while the address works;
 * - `reference-unreachable`: the name does not resolve and the address does not connect;
 * - `ports-discarded`: the service's published ports are blocked from the host, its host-network listeners reachable;
 * - `port-conflict`: the binding that loses the bind (the model's start order) is blocked, or the engine says so;
 * - `published-blocked`: every published port of the service is blocked from the host;
 * - `name-ambiguous`: the name resolves, to more than one service;
 * - `replica-bind-fails`: the engine refuses the second replica's bind;
 * - `engine-refuses`: the engine refuses the service's container (its message matching `message`);
 * - `network-refused`: the engine refuses the finding's network;
 * - `reference-port-refused`: from the finding's service, its reference's name resolves, its port on the target is refused and the container port behind it answers;
 * - `loopback-refused`: from the finding's service, a TCP connection to the loopback port of its reference is refused;
 * - `subnets-overlap`: the engine refuses a network because subnets overlap (refuted when it creates the finding's network).
 */
export type ClaimKind =
  | 'name-needs-address'
  | 'reference-unreachable'
  | 'ports-discarded'
  | 'port-conflict'
  | 'published-blocked'
  | 'name-ambiguous'
  | 'replica-bind-fails'
  | 'engine-refuses'
  | 'network-refused'
  | 'subnets-overlap'
  | 'loopback-refused'
  | 'reference-port-refused';

/** When a link applies: always, only to a stack on a Swarm manager, or only where the engine is not a Swarm manager. */
export type LinkCondition = 'stack-on-swarm' | 'not-swarm';

export type ProbeLink =
  | {
      claim: ClaimKind;
      /** the cell kinds whose observations decide the finding; empty when only engine events do */
      cells: readonly CellKind[];
      /** the engine events that confirm it */
      events?: readonly EventKind[];
      /** for `engine-refuses` and `subnets-overlap`: the engine message that confirms it */
      message?: RegExp;
      when?: LinkCondition;
      /** why nothing is probed when `when` does not hold */
      otherwise?: string;
    }
  | { notProbed: string };

/** Every claim kind, for the meta-test to check that each has an implementation in lib/probe/verdicts.ts. */
export const CLAIM_KINDS: readonly ClaimKind[] = [
  'name-needs-address',
  'reference-unreachable',
  'ports-discarded',
  'port-conflict',
  'published-blocked',
  'name-ambiguous',
  'replica-bind-fails',
  'engine-refuses',
  'network-refused',
  'subnets-overlap',
  'loopback-refused',
  'reference-port-refused',
];
