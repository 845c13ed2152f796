import type { Finding } from '../engine/finding';
import type { ReferenceKind } from '../model/references';
import type { Protocol } from '../model/types';
import type { Span } from '../source/span';

/**
 * The graph document: the network graph of one project with its findings placed on the elements
 * they concern. `compose-netlint graph --format json` prints it; Mermaid and DOT are drawn from it.
 * The shape is documented in docs/graph-json.md; a change that breaks a reader bumps `version`.
 */
export interface GraphDocument {
  version: 1;
  tool: { name: 'compose-netlint'; version: string };
  project: { name: string; mode: 'compose' | 'stack'; files: string[] };
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** every finding that is not suppressed, sorted as lint sorts them */
  findings: GraphFinding[];
  summary: { errors: number; warnings: number; infos: number };
}

export interface GraphFinding extends Omit<Finding, 'suppressed'> {
  /** ids of the nodes or edges the finding's primary location belongs to; empty when it is on none */
  elements: string[];
  /** ids of the elements its related locations belong to, without those in `elements` */
  relatedElements: string[];
}

interface Element {
  /** indexes into `findings` of the findings placed on this element */
  findings: number[];
}

export interface GraphPort {
  /** the short syntax as written; null for the long syntax */
  text: string | null;
  /** null: every interface of both families */
  hostIp: string | null;
  /** `8080` or `8000-8010`; null: an ephemeral host port, or not known */
  published: string | null;
  /** `80` or `8000-8010`; null when the entry could not be read */
  target: string | null;
  protocol: Protocol;
  mode: 'ingress' | 'host';
  /** whether Docker really binds it on the host (not under host networking, `none` or a joined namespace) */
  onHost: boolean;
  /** an unset variable: not known before run time */
  unknown: boolean;
  /** why the entry could not be read, when it could not */
  invalid: string | null;
  span: Span;
}

export interface ServiceNode extends Element {
  id: `service:${string}`;
  kind: 'service';
  name: string;
  /** replicas (`deploy.replicas` or `scale`, default 1); null when global or not known before run time */
  replicas: number | null;
  global: boolean;
  /** `network_mode` as written, or null */
  networkMode: string | null;
  /**
   * whose network stack the service uses: `own` (its networks), `host`, `none`, `bridge` (the default
   * bridge), `joined` (another service's, see the namespace edge), `external-container`, `unknown-network`
   */
  namespace: 'own' | 'host' | 'none' | 'bridge' | 'joined' | 'external-container' | 'unknown-network';
  containerName: string | null;
  ports: GraphPort[];
  /** the service's key */
  span: Span;
}

export interface NetworkNode extends Element {
  id: `network:${string}`;
  kind: 'network';
  /** the network's key in the project */
  name: string;
  /** the name Docker gives it */
  dockerName: string;
  /** false for the implicit `default` network nobody declared */
  declared: boolean;
  /** null for an external network whose driver the file does not say */
  driver: string | null;
  external: boolean;
  internal: boolean;
  attachable: boolean;
  /** null when not known before run time or external */
  ipv6: boolean | null;
  ipam: { subnet: string | null; gateway: string | null; ipRange: string | null }[];
  /** the network's key; null for the implicit default network */
  span: Span | null;
}

/** The Docker host: the end of published ports and of `network_mode: host`. */
export interface HostNode extends Element {
  id: 'host';
  kind: 'host';
}

/** The engine's default bridge (docker0), for `network_mode: bridge`: no name resolution. */
export interface BridgeNode extends Element {
  id: 'bridge';
  kind: 'default-bridge';
}

export type GraphNode = ServiceNode | NetworkNode | HostNode | BridgeNode;

interface EdgeBase extends Element {
  /** `edge:<index>`, stable for the same input */
  id: string;
  from: string;
  to: string;
}

/** A service's endpoint on a network (`to` is a network, or `bridge` for `network_mode: bridge`). */
export interface AttachmentEdge extends EdgeBase {
  kind: 'attachment';
  /** the implicit `default` network of a service with no `networks` */
  implicit: boolean;
  aliases: string[];
  ipv4Address: string | null;
  ipv6Address: string | null;
  /** where the attachment is written; null when implicit */
  span: Span | null;
}

/** `network_mode: service:X`, `container:X` (X a project service's container_name) or `host`: `from` lives in `to`'s network stack. */
export interface NamespaceEdge extends EdgeBase {
  kind: 'namespace';
  networkMode: string;
  span: Span;
}

/** A place where `from` names `to`: depends_on, links, an environment value, a command. */
export interface ReferenceEdge extends EdgeBase {
  kind: 'reference';
  /** the name as written */
  name: string;
  port: number | null;
  where: ReferenceKind;
  /** the variable, for environment and env_file references */
  variable: string | null;
  /** whether the name resolves from `from` to `to` on a network they share */
  resolves: boolean;
  span: Span;
}

/** A port the host publishes for a service (`from` is `host`). */
export interface PublishedEdge extends EdgeBase {
  kind: 'published';
  port: GraphPort;
  span: Span;
}

export type GraphEdge = AttachmentEdge | NamespaceEdge | ReferenceEdge | PublishedEdge;
