import type Docker from 'dockerode';
import type { Service } from '../model/types';
import { execIn, SERVICE_LABEL } from './engine';
import { listenPorts, publishedOffsets, unbuildable } from './plan';
import { listenerIdentity, LISTENER, RUNNER, shArgv } from './scripts';
import { buildablePart, createNetworks, orderedAttachments, readHostPorts, REPLICA_CAP, type BuildOptions, type Twin, type TwinContainer } from './twin';
import { checkAborted, dockerSafe, errorLine, sleep } from './util';

const CONTROL_PORT = 39_999;
/** How long tasks may take to run, in all. */
const TASK_WAIT_MS = 60_000;

interface TaskInfo {
  ID: string;
  Slot?: number;
  DesiredState: string;
  Status: { State: string; Err?: string; Message?: string; ContainerStatus?: { ContainerID?: string } };
}

/** Builds the twin of a stack as Swarm services: overlay networks, replicas, endpoint mode, publishing. */
export async function buildStackTwin(options: BuildOptions, twin: Twin): Promise<void> {
  const { engine, graph } = options;
  const { buildable, keys } = buildablePart(graph, twin);
  options.progress(`creating ${keys.length} overlay network${keys.length === 1 ? '' : 's'}`);
  await createNetworks(options, twin, keys, true);
  options.progress(`creating ${buildable.length} Swarm service${buildable.length === 1 ? '' : 's'}`);
  for (const name of buildable) {
    checkAborted(options.signal);
    const service = graph.services.get(name)!;
    const ns = graph.namespace(name);
    const hostNetwork = ns.kind === 'host';
    const networks = hostNetwork ? [] : orderedAttachments(graph, name);
    const broken = networks.map((k) => twin.networks.get(k)).find((n) => n?.failed);
    if (broken) {
      twin.excluded.set(name, broken.failed!);
      continue;
    }
    const replicas = service.replicas.global ? undefined : Math.min(service.replicas.count ?? 1, REPLICA_CAP);
    if (!service.replicas.global && (service.replicas.count ?? 1) > REPLICA_CAP) twin.notes.push(`"${name}" runs ${REPLICA_CAP} of its ${service.replicas.count} replicas in the twin`);
    const listen = listenPorts(service);
    const ports = swarmPorts(service);
    const spec: Docker.CreateServiceOptions = {
      Name: `cnl-${twin.run}-${dockerSafe(twin.project)}_${dockerSafe(name)}`,
      Labels: { ...twin.labels, [SERVICE_LABEL]: name },
      TaskTemplate: {
        ContainerSpec: {
          Image: options.image,
          Command: ['sh', '-c', LISTENER, 'cnl-listen'],
          Args: [hostNetwork ? '127.0.0.1' : '0.0.0.0', String(CONTROL_PORT), ...listen.map((l) => `${l.protocol}:${l.port}`)],
          Env: [`CNL_ID=${listenerIdentity(name, twin.run)}`],
          // the listener shell ignores SIGTERM: stop at once instead of waiting out a grace period
          StopSignal: 'SIGKILL',
          StopGracePeriod: 1_000_000_000,
          Labels: { ...twin.labels, [SERVICE_LABEL]: name },
          ...(hostNetwork ? {} : { DNSConfig: { Nameservers: ['127.0.0.1'] } }),
          ...(service.hostname && !service.hostname.unknown ? { Hostname: service.hostname.value } : {}),
          Hosts: service.extraHosts.filter((h) => (h.address.value as { ip?: unknown }).ip).map((h) => `${(h.address.value as { text: string }).text} ${h.host}`),
        } as Docker.ContainerSpec,
        Networks: hostNetwork
          ? [{ Target: 'host' }]
          : networks.map((key) => {
              const attachment = graph.ownAttachments(name).find((a) => a.network === key)!;
              return { Target: twin.networks.get(key)!.id!, Aliases: [...new Set([name, ...attachment.spec.aliases.filter((a) => !a.unknown).map((a) => a.value)])] };
            }),
        RestartPolicy: { Condition: 'none' },
      },
      Mode: replicas === undefined ? { Global: {} } : { Replicated: { Replicas: replicas } },
      EndpointSpec: { Mode: service.endpointMode?.value === 'dnsrr' ? 'dnsrr' : 'vip', Ports: ports },
    };
    try {
      const created = (await engine.docker.createService(spec)) as unknown as { id: string };
      twin.swarmServices.set(name, { id: created.id, name: spec.Name!, vips: new Map() });
    } catch (error) {
      const message = `the engine refused the Swarm service "${name}": ${errorLine(error)}`;
      twin.events.push({ kind: 'create-failed', service: name, message });
      twin.excluded.set(name, message);
    }
  }
  await waitForTasks(options, twin);
}

/** The published ports of a service as the stack twin gives them to Swarm (at most 64 of a range). */
export function swarmPorts(service: Service): Docker.PortConfig[] {
  const ports: Docker.PortConfig[] = [];
  for (const b of service.ports) {
    if (b.invalid || b.unknown) continue;
    const t = b.target.value;
    const p = b.published?.value;
    for (const i of publishedOffsets(t)) {
      // a bare container port gets no PublishedPort: Swarm picks one (30000-32767) for ingress, the engine an ephemeral one for host mode
      ports.push({ Protocol: b.protocol as 'tcp' | 'udp' | 'sctp', TargetPort: t.start + i, ...(p ? { PublishedPort: p.start + (t.end > t.start ? i : 0) } : {}), PublishMode: b.mode });
    }
  }
  return ports;
}

/** Waits (bounded) until each service's tasks run, then records their containers and addresses. */
async function waitForTasks(options: BuildOptions, twin: Twin): Promise<void> {
  const { engine, graph } = options;
  const deadline = Date.now() + TASK_WAIT_MS;
  const byDockerId = new Map<string, string>();
  for (const n of twin.networks.values()) if (n.id) byDockerId.set(n.id, n.key);
  options.progress('waiting for the Swarm tasks to run');
  const pending = new Set(twin.swarmServices.keys());
  const tasksOf = new Map<string, TaskInfo[]>();
  for (let i = 0; i < 240 && pending.size && Date.now() < deadline; i++) {
    checkAborted(options.signal);
    for (const name of [...pending]) {
      const s = twin.swarmServices.get(name)!;
      let tasks: TaskInfo[];
      try {
        tasks = (await engine.docker.listTasks({ filters: JSON.stringify({ service: [s.id] }) })) as TaskInfo[];
      } catch {
        continue;
      }
      tasksOf.set(name, tasks);
      const first = tasks.find((t) => (t.Slot ?? 1) === 1) ?? tasks[0];
      const failed = tasks.find((t) => ['failed', 'rejected'].includes(t.Status.State));
      // settled: every task runs, failed, or waits for a node the scheduler says it cannot find
      const settled = (t: TaskInfo): boolean => ['running', 'failed', 'rejected', 'shutdown', 'complete'].includes(t.Status.State) || (t.Status.State === 'pending' && Boolean(t.Status.Err));
      if (tasks.length && tasks.every(settled) && (first?.Status.State === 'running' || failed)) pending.delete(name);
    }
    if (pending.size) await sleep(250, options.signal);
  }
  for (const [name, tasks] of tasksOf) {
    for (const t of tasks.filter((x) => x.Status.State !== 'running')) {
      twin.events.push({ kind: 'start-failed', service: name, replica: t.Slot, message: `task ${t.Slot ?? ''} of "${name}" is ${t.Status.State}: ${t.Status.Err ?? t.Status.Message ?? ''}`.trim() });
    }
    for (const t of tasks.filter((x) => x.Status.State === 'running' && x.Status.ContainerStatus?.ContainerID)) {
      const container: TwinContainer = {
        service: name,
        replica: t.Slot ?? 1,
        name: t.Status.ContainerStatus!.ContainerID!.slice(0, 12),
        id: t.Status.ContainerStatus!.ContainerID!,
        running: true,
        controlPort: CONTROL_PORT,
        listen: graph.namespace(name).kind === 'host' && (t.Slot ?? 1) > 1 ? [] : listenPorts(graph.services.get(name)!),
        addresses: new Map(),
      };
      try {
        const info = (await engine.docker.getContainer(container.id!).inspect()) as { Name: string; NetworkSettings: { Networks: Record<string, { NetworkID?: string; IPAddress?: string }>; Ports?: Parameters<typeof readHostPorts>[0] } };
        container.name = info.Name.replace(/^\//, '');
        container.hostPorts = readHostPorts(info.NetworkSettings.Ports);
        for (const settings of Object.values(info.NetworkSettings.Networks ?? {})) {
          const key = settings.NetworkID ? byDockerId.get(settings.NetworkID) : undefined;
          if (key && settings.IPAddress) container.addresses.set(key, settings.IPAddress);
        }
      } catch {
        container.running = false;
      }
      twin.containers.push(container);
    }
    if (!twin.containers.some((c) => c.service === name && c.running)) twin.excluded.set(name, `no task of "${name}" runs`);
    else if (!twin.containers.some((c) => c.service === name && c.replica === 1)) {
      // the probe runs from slot 1: use the lowest slot that runs
      const lowest = twin.containers.filter((c) => c.service === name).sort((a, b) => a.replica - b.replica)[0];
      lowest.replica = 1;
    }
  }
  for (const name of pending) if (!tasksOf.has(name)) twin.excluded.set(name, `the tasks of "${name}" did not run within ${TASK_WAIT_MS / 1000}s`);
  // virtual IPs, for knowing whom an answer belongs to; the ports Swarm published on the ingress mesh
  for (const [name, s] of twin.swarmServices) {
    try {
      const info = (await engine.docker.getService(s.id).inspect()) as { Endpoint?: { VirtualIPs?: { NetworkID: string; Addr: string }[]; Ports?: { Protocol?: string; TargetPort?: number; PublishedPort?: number; PublishMode?: string }[] } };
      for (const vip of info.Endpoint?.VirtualIPs ?? []) {
        const key = byDockerId.get(vip.NetworkID);
        if (key) s.vips.set(key, vip.Addr.split('/')[0]);
      }
      s.ingressPorts = new Map();
      for (const p of info.Endpoint?.Ports ?? []) if (p.PublishMode !== 'host' && p.TargetPort && p.PublishedPort) s.ingressPorts.set(`${p.TargetPort}/${p.Protocol ?? 'tcp'}`, p.PublishedPort);
    } catch {
      twin.notes.push(`the virtual IPs of "${name}" could not be read`);
    }
  }
}

/**
 * Swarm's virtual IPs and its ingress routing mesh need IPVS in the kernel. A task connecting to
 * its own service's VIP is the control: when that fails while the task's own listener answers,
 * ingress-published ports cannot work on this engine, and their cells are probe failures, not
 * "blocked". Returns the reason, or undefined when the mesh works or nothing needs it.
 */
export async function checkRoutingMesh(engine: BuildOptions['engine'], twin: Twin, graph: BuildOptions['graph'], seconds: number): Promise<string | undefined> {
  for (const [name, s] of twin.swarmServices) {
    const service = graph.services.get(name)!;
    if (service.endpointMode?.value === 'dnsrr') continue;
    const container = twin.containers.find((c) => c.service === name && c.replica === 1 && c.running && c.id);
    const port = container?.listen.find((l) => l.protocol === 'tcp');
    const vip = [...s.vips.values()][0];
    if (!container || !port || !vip) continue;
    const args = [String(seconds), '1', 'tcp', vip, String(port.port)];
    try {
      const result = await execIn(engine.docker, container.id!, shArgv(RUNNER, 'cnl-probe', args), (seconds + 5) * 1000);
      if (/cnl-ok|Connection refused/.test(result.stdout)) return undefined;
      return `Swarm's virtual IPs do not answer on this engine (${name} could not reach its own VIP ${vip}; no IPVS in the kernel?): the routing mesh behind ingress-published ports cannot work here`;
    } catch (error) {
      return `the routing-mesh control failed (${errorLine(error)})`;
    }
  }
  return undefined;
}
