import * as path from 'node:path';
import type { Diagnostic } from './diagnostic';
import { COMPOSE_FILE_NAMES, OVERRIDE_FILE_NAMES } from './file-names';
import type { Span } from './span';
import { get, isMap, isScalar, isSeq, type MapNode } from './tree';

/** How a project is run: `docker compose up` (compose) or `docker stack deploy` (stack). */
export type Mode = 'compose' | 'stack';

/** The mode a project is linted in and why, plus an info finding when `--mode auto` had to choose against a signal. */
export interface ModeDecision {
  mode: Mode;
  /** completes "linted in <mode> mode because …": lowercase, no trailing period, file names as given */
  reason: string;
  /** an `ambiguous-mode` info diagnostic at the first stack signal, the others related */
  ambiguity?: Diagnostic;
}

/** Something in a project that only Swarm acts on. */
interface StackSignal {
  /** e.g. `overlay network "front"` */
  what: string;
  /** the value that is the signal */
  span: Span;
}

const DEFAULT_NAMES = new Set([...COMPOSE_FILE_NAMES, ...OVERRIDE_FILE_NAMES]);
const SIGNAL_KINDS = 'overlay networks, deploy.endpoint_mode, ingress-mode ports';

/**
 * Decides the mode. An explicit `compose` or `stack` wins. Under `auto` (or nothing), in this order:
 * 1. a top-level file whose name contains `stack` (`docker-stack.yml`, as Docker's sample stacks name theirs):
 *    stack;
 * 2. a top-level file with one of Compose's own discovery names (`compose.yaml`, `docker-compose.yml`, their
 *    override files; compose-go `cli/options.go` DefaultFileNames): compose, since `docker compose up` runs it
 *    with no flag while `docker stack deploy` reads no file unless given one with `-c` (docker/cli
 *    `cli/command/stack/loader.go`: "specify a Compose file (with --compose-file)"). The name decides because no
 *    content does: Compose creates an overlay network on a Swarm manager (its containers join it when it is
 *    attachable; checked on Docker 20.10), and it ignores `deploy.endpoint_mode` and port modes (docker/compose
 *    v5.5.0 `pkg/` reads neither). When such a file has stack signals, the decision comes with an `ambiguous-mode` info
 *    diagnostic naming them and `--mode`;
 * 3. otherwise the content: stack signals (an `overlay` driver, `deploy.endpoint_mode`, a port with
 *    `mode: ingress`) make a stack, else compose.
 * `files` are the top-level files (`-f`, `COMPOSE_FILE` or discovered) as displayed; `root` is the merged project.
 */
export function decideMode(root: MapNode, files: readonly string[], requested?: Mode | 'auto'): ModeDecision {
  if (requested === 'compose' || requested === 'stack') return { mode: requested, reason: `--mode ${requested} was given` };
  const names = files.map((f) => path.basename(f));
  const stackName = names.find((n) => /stack/i.test(n));
  if (stackName !== undefined) return { mode: 'stack', reason: `the file name "${stackName}" contains "stack"` };
  const signals = stackSignals(root);
  const composeName = names.find((n) => DEFAULT_NAMES.has(n));
  if (composeName !== undefined) {
    const reason = `"${composeName}" is a file name docker compose finds by itself`;
    return signals.length ? { mode: 'compose', reason, ambiguity: ambiguity(composeName, signals) } : { mode: 'compose', reason };
  }
  if (signals.length) return { mode: 'stack', reason: `it has stack signals: ${signals.map((s) => `${s.what} (${s.span.file}:${s.span.line})`).join(', ')}` };
  return { mode: 'compose', reason: `it has no stack signals (${SIGNAL_KINDS}) and no "stack" in its file name` };
}

/** Every stack signal of the merged project, in source order. */
function stackSignals(root: MapNode): StackSignal[] {
  const out: StackSignal[] = [];
  const networks = get(root, 'networks');
  if (isMap(networks)) {
    for (const [name, e] of networks.entries) {
      const driver = get(e.value, 'driver');
      if (isScalar(driver) && !driver.unknown && driver.value === 'overlay') out.push({ what: `overlay network "${name}"`, span: driver.span });
    }
  }
  const services = get(root, 'services');
  if (isMap(services)) {
    for (const [name, e] of services.entries) {
      const endpointMode = get(get(e.value, 'deploy'), 'endpoint_mode');
      if (endpointMode) out.push({ what: `deploy.endpoint_mode of service "${name}"`, span: endpointMode.span });
      const ports = get(e.value, 'ports');
      if (!isSeq(ports)) continue;
      for (const port of ports.items) {
        const mode = get(port, 'mode');
        if (isScalar(mode) && !mode.unknown && mode.value === 'ingress') out.push({ what: `ingress-mode port of service "${name}"`, span: mode.span });
      }
    }
  }
  return out.sort((a, b) => (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : a.span.line - b.span.line || a.span.column - b.span.column));
}

function ambiguity(fileName: string, signals: StackSignal[]): Diagnostic {
  const [first, ...rest] = signals;
  const where = (s: StackSignal): string => (s.span.file === first.span.file ? `line ${s.span.line}` : `${s.span.file}:${s.span.line}`);
  const list = signals.map((s) => `${s.what} (${where(s)})`).join(', ');
  const diagnostic: Diagnostic = {
    ruleId: 'ambiguous-mode',
    severity: 'info',
    message:
      `"${fileName}" is a file name docker compose finds by itself, so the project is linted in compose mode, but it has stack signals: ${list}; ` +
      'Compose creates an overlay network only on a Swarm manager and ignores endpoint and port modes. ' +
      'if you deploy it with "docker stack deploy -c", lint it with --mode stack; to keep compose mode and silence this, pass --mode compose',
    span: first.span,
  };
  if (rest.length) diagnostic.related = rest.map((s) => ({ message: `stack signal: ${s.what}`, span: s.span }));
  return diagnostic;
}
