import type Docker from 'dockerode';
import { SERVICE_LABEL } from './engine';
import { listenPorts } from './plan';
import { listenerIdentity, LISTENER, resolverSpec } from './scripts';
import { buildablePart, createdNetworksLine, createNetworks, orderedAttachments, readHostPorts, REPLICA_CAP, type BuildOptions, type Twin, type TwinContainer } from './twin';
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
  await createNetworks(options, twin, keys, true);
  options.progress(createdNetworksLine(twin, 'overlay network'));
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
    const listening = listenPorts(service).map((l) => `${l.protocol}:${l.port}`);
    // Swarm publishes a port on every interface (a Swarm port has no host address), so the twin publishes
    // none (publish.ts), save one ingress port of a dnsrr service: swarmkit refuses that service before
    // anything is published (controlapi validateEndpointSpec), which is what no-dnsrr-ingress predicts
    const dnsrr = service.endpointMode?.value === 'dnsrr';
    const refusable = dnsrr ? service.ports.find((b) => !b.invalid && !b.unknown && b.published && b.mode === 'ingress') : undefined;
    const ports: Docker.PortConfig[] = refusable ? [{ Protocol: refusable.protocol as 'tcp' | 'udp' | 'sctp', TargetPort: refusable.target.value.start, PublishedPort: refusable.published!.value.start, PublishMode: 'ingress' }] : [];
    const spec: Docker.CreateServiceOptions = {
      Name: `cnl-${twin.run}-${dockerSafe(twin.project)}_${dockerSafe(name)}`,
      Labels: { ...twin.labels, [SERVICE_LABEL]: name },
      TaskTemplate: {
        ContainerSpec: {
          Image: options.image,
          Command: ['sh', '-c', LISTENER, 'cnl-listen'],
          Args: [hostNetwork ? '127.0.0.1' : '0.0.0.0', String(CONTROL_PORT), ...listening, ...resolverSpec(listening, { hostNetwork, joiner: false })],
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
      EndpointSpec: { Mode: dnsrr ? 'dnsrr' : 'vip', Ports: ports },
    };
    try {
      const created = (await engine.docker.createService(spec)) as unknown as { id: string };
      if (ports.length) {
        // an engine that takes it would publish the port on every interface: not for a moment longer
        await engine.docker
          .getService(created.id)
          .remove()
          .catch(() => undefined);
        twin.excluded.set(name, `the engine accepted an ingress-mode port on the dnsrr service "${name}"; the twin removed the service at once, since Swarm publishes on every interface`);
        continue;
      }
      twin.swarmServices.set(name, { id: created.id, name: spec.Name!, vips: new Map() });
    } catch (error) {
      const message = `the engine refused the Swarm service "${name}": ${errorLine(error)}`;
      twin.events.push({ kind: 'create-failed', service: name, message });
      twin.excluded.set(name, message);
    }
  }
  await waitForTasks(options, twin);
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
  // virtual IPs, for knowing whom an answer belongs to (a stack twin publishes no port: publish.ts)
  for (const [name, s] of twin.swarmServices) {
    try {
      const info = (await engine.docker.getService(s.id).inspect()) as { Endpoint?: { VirtualIPs?: { NetworkID: string; Addr: string }[] } };
      for (const vip of info.Endpoint?.VirtualIPs ?? []) {
        const key = byDockerId.get(vip.NetworkID);
        if (key) s.vips.set(key, vip.Addr.split('/')[0]);
      }
    } catch {
      twin.notes.push(`the virtual IPs of "${name}" could not be read`);
    }
  }
}
