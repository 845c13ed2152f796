import type { Finding } from '../engine/finding';
import type { Protocol } from '../model/types';

/** The matrices the probe prints: name resolution, TCP and UDP between services, and ports seen from the host. */
export type ProbeKind = 'dns' | 'tcp' | 'udp' | 'host';
export const PROBE_KINDS: readonly ProbeKind[] = ['dns', 'tcp', 'udp', 'host'];
export const KIND_TITLES: Record<ProbeKind, string> = {
  dns: 'Name resolution',
  tcp: 'TCP',
  udp: 'UDP',
  host: 'Published on the host',
};

/** What one probe command observed. */
export type Outcome = 'ok' | 'refused' | 'timeout' | 'nxdomain' | 'failed';

/** A matrix cell: the path exists, it does not, or the probe itself broke. */
export type Reach = 'reachable' | 'blocked' | 'failed';

/** Where a case is sent: a service's listener (address filled from the twin), or a fixed loopback address. */
export type Target =
  | { via: 'name'; name: string }
  | { via: 'service'; service: string; network?: string; port: number; protocol: Protocol }
  | { via: 'loopback'; service: string; port: number; protocol: Protocol }
  | {
      via: 'host';
      service: string;
      address: string;
      /** the host port; 0 when the engine picks it (see `ephemeralFor`) */
      port: number;
      protocol: Protocol;
      /** the index of the binding in the service's `ports` */
      binding?: number;
      /** the engine picks the host port for this container port at start (a bare container port, `ports: ["80"]`, or one port of a host range): the probe reads it after start */
      ephemeralFor?: number;
      /** with `ephemeralFor`: the replica whose bound port is probed (default the first) */
      replica?: number;
    };

/** One planned probe: a cell of a matrix with the graph's prediction. */
export interface ProbeCase {
  id: number;
  kind: ProbeKind;
  /** a service (its first replica runs the probe) or `host` (the harness process) */
  source: string;
  /** the column: a name (dns), `service:port/proto` (tcp, udp), `service:published->target/proto` or `service:ephemeral->target/proto` (host) */
  column: string;
  target: Target;
  /** what the graph predicts */
  expect: boolean;
  /** the predicate and its answer, for the report */
  basis: string;
  /** services the graph says a name resolves to (dns) */
  expectServices?: string[];
  /** why the case cannot be run (the cell prints `-`) */
  skip?: string;
}

export interface Observation {
  outcome: Outcome;
  reach: Reach;
  /** the probe's own words: the first meaningful line of its output */
  detail: string;
  /** addresses a name resolved to (dns) or the service that answered (tcp, host) */
  addresses?: string[];
  answeredBy?: string;
  /** the run whose twin answered (tcp, host), from its banner */
  answeredRun?: string;
}

export interface CaseResult {
  case: ProbeCase;
  /** every try, first to last */
  tries: Observation[];
  final?: Observation;
  agrees?: boolean;
  flaky?: boolean;
  /** a shell command that repeats the probe */
  reproduce?: string;
  /** the container it was probed from: `host`, a twin container, or (attach, real) the application container a sidecar joined */
  from?: string;
}

export type Verdict = 'confirmed' | 'refuted' | 'not-probed';

export interface FindingVerdict {
  finding: Finding;
  verdict: Verdict;
  reason: string;
  /** case ids the verdict rests on */
  cases: number[];
  /** the engine's refusals that confirmed it, when it was confirmed by them (the finding predicted them) */
  events?: EngineEvent[];
}

/** The kinds of EngineEvent, each one the twin records (twin.ts, stack.ts). */
export const ENGINE_EVENT_KINDS = ['bind-failed', 'start-failed', 'network-failed', 'create-failed'] as const;

/** Something the engine did that is an observation in itself (a port that could not be bound, a network it refused). */
export interface EngineEvent {
  kind: (typeof ENGINE_EVENT_KINDS)[number];
  service?: string;
  replica?: number;
  network?: string;
  /** host port that could not be bound */
  port?: number;
  protocol?: Protocol;
  hostIp?: string;
  message: string;
  /** the twin, not the engine, gave up on this container because the service whose namespace it joins has none */
  consequence?: true;
  /** whether a finding, or the model's binding outcome, predicted it (set once the findings are decided) */
  predicted?: boolean;
}

export interface Summary {
  probes: number;
  agreeing: number;
  disagreeing: number;
  failed: number;
  flaky: number;
  notProbed: number;
  /** engine refusals nothing predicted (EngineEvent.predicted false): each one is a disagreement */
  unpredicted: number;
  seconds: number;
}

/** What the probe ran against: the twin, a running project (--attach), or the project brought up (--real). */
export type ProbeMode = 'twin' | 'attach' | 'real';

export interface ProbeReport {
  run: string;
  project: string;
  mode: 'compose' | 'stack';
  /** absent: twin */
  probeMode?: ProbeMode;
  /** the engine probed: its address, its version as it says it, and that version as an engine target (`docker@20.10`) */
  engine: { host: string; version: string; target?: string; swarm: boolean };
  image: string;
  kept: boolean;
  notes: string[];
  findings: FindingVerdict[];
  results: CaseResult[];
  events: EngineEvent[];
  summary: Summary;
  exitCode: number;
}
