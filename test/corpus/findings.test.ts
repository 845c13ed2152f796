import { expect } from 'chai';
import * as path from 'node:path';
import { defaultConfig } from '../../lib/engine/config';
import { lintProject } from '../../lib/lint';
import { corpusFiles, FIXTURES } from '../helpers/corpus';
import { DEPLOY_ENV } from '../helpers/deploy-env';

/**
 * Every finding that all rules give on the vendored Compose files of test/fixtures (all but the
 * compose-spec examples, which are fragments), each reviewed by a person and kept with a one-line
 * justification; keyed `line:column ruleId`, with ` (2)` on the second finding at the same key. A
 * file not listed must stay clean. Files are linted in the mode auto-detection picks, except the
 * stacks in STACK_MODE.
 */
const EXPECTED: Record<string, Record<string, string>> = {
  'awesome-compose/elasticsearch-logstash-kibana/compose.yaml': {
    '9:9 no-public-datastore-ports': 'real: elasticsearch publishes Elasticsearch/OpenSearch to every interface with no host_ip',
    '10:9 no-public-datastore-ports': 'real: elasticsearch publishes Elasticsearch/OpenSearch transport to every interface with no host_ip',
  },
  'awesome-compose/flask-redis/compose.yaml': {
    '5:9 no-public-datastore-ports': 'real: redis publishes Redis to every interface with no host_ip',
  },
  'awesome-compose/nginx-nodejs-redis/compose.yaml': {
    '6:9 no-public-datastore-ports': 'real: redis publishes Redis to every interface with no host_ip',
  },
  'awesome-compose/pihole-cloudflared-DoH/compose.yaml': {
    '16:23 no-static-ip-in-dynamic-range':
      "real: cloudflared's fixed 172.20.0.2 lies in the subnet pihole takes a dynamic address from; depends_on orders the first up, but after a reboot the engine restarts both (restart: always) in any order, and pihole may take .2",
  },
  'awesome-compose/portainer/compose.yaml': {
    '7:9 no-public-datastore-ports': 'real: portainer publishes its console for the Docker engine to every interface with no host_ip',
    '9:9 no-docker-socket-mount': 'real: "portainer" gets the Docker API, root on the host',
  },
  'awesome-compose/postgresql-pgadmin/compose.yaml': {
    '10:9 no-public-datastore-ports': 'real: postgres publishes PostgreSQL to every interface with no host_ip',
  },
  'awesome-compose/react-express-mysql/compose.yaml': {
    '17:9 no-public-datastore-ports': 'real: backend publishes the Node.js inspector, which runs any code its client sends, to every interface',
    '18:9 no-public-datastore-ports': 'real: backend publishes the second Node.js inspector port to every interface',
  },
  'awesome-compose/react-rust-postgres/compose.yaml': {
    '42:9 no-public-datastore-ports': 'real: db publishes PostgreSQL to every interface with no host_ip',
  },
  'awesome-compose/traefik-golang/compose.yaml': {
    '10:9 no-docker-socket-mount': 'real: "frontend" gets the Docker API, root on the host',
  },
  'awesome-compose/wasmedge-kafka-mysql/compose.yml': {
    '16:9 no-public-datastore-ports': 'real: redpanda publishes Kafka to every interface with no host_ip',
  },
  'docker-compose-e2e/pkg/e2e/fixtures/bridge/compose.yaml': {
    '5:5 no-ports-on-internal-network': 'real: serviceA publishes 80:8080 but is only on the internal network private-network, so nothing answers on the host (the fixture is only converted by `compose bridge`, never run)',
  },
  'docker-compose-e2e/pkg/e2e/fixtures/bridge/expected-helm/templates/serviceA-deployment.yaml': {
    '7:17 yaml-syntax': 'real: a Helm template, not YAML Compose can read: `{{ .Values.… }}` is a flow mapping whose key is a mapping, which go-yaml refuses ("invalid map key"), so Compose cannot load the file',
    '13:16 yaml-syntax': 'real: a Helm template, not YAML Compose can read: `{{ .Values.… }}` is a flow mapping whose key is a mapping, which go-yaml refuses ("invalid map key"), so Compose cannot load the file',
    '19:16 yaml-syntax': 'real: a Helm template, not YAML Compose can read: `{{ .Values.… }}` is a flow mapping whose key is a mapping, which go-yaml refuses ("invalid map key"), so Compose cannot load the file',
    '29:27 yaml-syntax': 'real: a Helm template, not YAML Compose can read: `{{ .Values.… }}` is a flow mapping whose key is a mapping, which go-yaml refuses ("invalid map key"), so Compose cannot load the file',
    '30:37 yaml-syntax': 'real: a Helm template, not YAML Compose can read: `{{ .Values.… }}` is a flow mapping whose key is a mapping, which go-yaml refuses ("invalid map key"), so Compose cannot load the file',
    '33:31 yaml-syntax': 'real: a Helm template, not YAML Compose can read: `{{ .Values.… }}` is a flow mapping whose key is a mapping, which go-yaml refuses ("invalid map key"), so Compose cannot load the file',
    '34:34 yaml-syntax': 'real: a Helm template, not YAML Compose can read: `{{ .Values.… }}` is a flow mapping whose key is a mapping, which go-yaml refuses ("invalid map key"), so Compose cannot load the file',
    '46:28 yaml-syntax': 'real: a Helm template, not YAML Compose can read: `{{ .Values.… }}` is a flow mapping whose key is a mapping, which go-yaml refuses ("invalid map key"), so Compose cannot load the file',
  },
  'docker-compose-e2e/pkg/e2e/fixtures/bridge/expected-helm/values.yaml': {
    '3:1 compose-schema': 'not Compose: the Helm values that `compose bridge` writes; its top-level keys are not Compose keys',
    '5:1 compose-schema': 'not Compose: the Helm values that `compose bridge` writes; its top-level keys are not Compose keys',
    '7:1 compose-schema': 'not Compose: the Helm values that `compose bridge` writes; its top-level keys are not Compose keys',
    '11:1 compose-schema': 'not Compose: the Helm values that `compose bridge` writes; its top-level keys are not Compose keys',
    '15:1 compose-schema': 'not Compose: the Helm values that `compose bridge` writes; its top-level keys are not Compose keys',
    '18:1 compose-schema': 'not Compose: the Helm values that `compose bridge` writes; its top-level keys are not Compose keys',
    '23:1 compose-schema': 'not Compose: the Helm values that `compose bridge` writes; its top-level keys are not Compose keys',
    '26:1 compose-schema': 'not Compose: the Helm values that `compose bridge` writes; its top-level keys are not Compose keys',
  },
  'docker-compose-e2e/pkg/e2e/fixtures/bridge/expected-kubernetes/base/bridge-configs.yaml': {
    '3:1 compose-schema': 'not Compose: the Kubernetes manifest that `compose bridge` writes; its top-level keys are not Compose keys',
    '4:1 compose-schema': 'not Compose: the Kubernetes manifest that `compose bridge` writes; its top-level keys are not Compose keys',
    '5:1 compose-schema': 'not Compose: the Kubernetes manifest that `compose bridge` writes; its top-level keys are not Compose keys',
    '10:1 compose-schema': 'not Compose: the Kubernetes manifest that `compose bridge` writes; its top-level keys are not Compose keys',
  },
  'docker-compose-e2e/pkg/e2e/fixtures/bridge/expected-kubernetes/base/serviceA-deployment.yaml': {
    '3:1 compose-schema': 'not Compose: the Kubernetes manifest that `compose bridge` writes; its top-level keys are not Compose keys',
    '4:1 compose-schema': 'not Compose: the Kubernetes manifest that `compose bridge` writes; its top-level keys are not Compose keys',
    '5:1 compose-schema': 'not Compose: the Kubernetes manifest that `compose bridge` writes; its top-level keys are not Compose keys',
    '11:1 compose-schema': 'not Compose: the Kubernetes manifest that `compose bridge` writes; its top-level keys are not Compose keys',
  },
  'docker-compose-e2e/pkg/e2e/fixtures/env_file/compose.yaml': {
    '8:9 compose-load': 'intentional: the fixture tests that Compose refuses serviceB, whose env_file /doesnotexist/.env is missing',
  },
  'docker-compose-e2e/pkg/e2e/fixtures/wrong-composefile/compose.yaml': {
    '4:5 compose-schema': 'intentional: the fixture tests that Compose rejects the unknown service key wrongField',
  },
  'docker-compose-e2e/pkg/e2e/testdata/TestNetworkAliases/compose.yaml': {
    '6:9 no-legacy-links': 'real: container1 links to container2 as "container" on the default network, where an alias would give the same name',
  },
  'docker-compose-e2e/pkg/e2e/testdata/TestNetworkLinks/compose.yaml': {
    '11:9 no-legacy-links': 'real: both services are on the default bridge, where the link is what makes container1 resolve; the fixture tests exactly that legacy path',
  },
  'docker-compose-e2e/pkg/e2e/testdata/TestUpImageID/compose.yaml': {
    '3:12 compose-load': 'intentional: ${ID:?...} is required and the test sets ID in the environment; without it Compose refuses the file, as here',
  },
  'docker-compose-e2e/pkg/e2e/testdata/TestUpNoDeps/compose.yaml': {
    '7:9 no-legacy-links': 'real: foo links to bar on the default network, where bar already resolves by its service name',
  },
  'docker-compose-linter/tests/mocks/docker-compose.anchors.yml': {
    '14:9 no-legacy-links': 'real: app_bar gets the link foo:foo.example.svc.cluster.local through the anchor; an alias on the default network gives the same name',
    '14:9 no-legacy-links (2)': 'real: app_bar gets the link bar:bar.example.svc.cluster.local through the same anchor',
    '16:9 no-legacy-links': 'real: app_foo gets the link foo:foo.example.svc.cluster.local through the anchor',
    '16:9 no-legacy-links (2)': 'real: app_foo gets the link bar:bar.example.svc.cluster.local through the anchor',
    '22:25 compose-load': "real: foo merges the links anchor, so it links to itself; compose-go's Normalize makes the link a dependency and checkCycle refuses the project (dependency cycle detected: foo -> foo)",
    '22:25 no-legacy-links': 'real: foo merges the same links anchor (and links to itself)',
    '22:25 no-legacy-links (2)': 'real: foo merges the same links anchor, its second link',
  },
  'docker-compose-linter/tests/mocks/docker-compose.correct.yml': {
    '20:15 compose-load': 'real for the mock: envs/.env.a-service does not exist in zavoloklom/docker-compose-linter either, so Compose would refuse a-service',
    '22:9 no-invalid-port': 'real: "127.0.0.1:3001" reads as HOST_PORT:CONTAINER_PORT, and compose-go refuses "invalid hostPort: 127.0.0.1" (the address needs "127.0.0.1::3001")',
    '40:9 compose-load': 'real: b-service depends on kafka, which this file does not define; compose-go checkConsistency refuses it (depends on undefined service)',
    '44:15 compose-load': 'real for the mock: envs/.env.b-service does not exist in the source repository either',
  },
  'docker-compose-linter/tests/mocks/docker-compose.yml': {
    '16:21 no-ambiguous-alias': "real: test's container_name a-service repeats the service name of a-service, so the name a-service means two containers",
    '23:21 compose-load': 'real: test and a-service both set container_name a-service; docker compose refuses the project (compose-go CheckContainerNameUnicity: container name is already in use)',
    '34:15 compose-load': 'real for the mock: envs/.env.a-service does not exist in the source repository either',
    '58:15 compose-load': 'real for the mock: envs/.env.b-service does not exist in the source repository either',
    '70:9 no-duplicate-published-ports': "real: redpanda-console publishes 11032 on every interface, which clashes with a-service's 127.0.0.1:11032",
    '92:9 no-public-datastore-ports': 'real: zookeeper publishes ZooKeeper (2181) to every interface with no host_ip',
    '93:15 compose-load': 'real for the mock: envs/.env.zookeeper does not exist in the source repository either',
    '107:15 compose-load': 'real for the mock: envs/.env.kafka does not exist in the source repository either',
  },
  'swarm-stacks/BretFisher__dogvscat/old-stack-proxy.yml': {
    '33:9 no-docker-socket-mount': 'real: "swarm-listener" gets the Docker API, root on the host',
  },
  'swarm-stacks/BretFisher__dogvscat/stack-ee-menu.yml': {
    '7:5 no-swarm-unsupported-options': 'real: "menu" sets build, which docker stack deploy ignores',
    '19:3 require-overlay-encryption': 'real: overlay "menu" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
  },
  'swarm-stacks/BretFisher__dogvscat/stack-ee-voting.yml': {
    '55:3 require-overlay-encryption': 'real: overlay "frontend" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
    '56:3 require-overlay-encryption': 'real: overlay "backend" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
  },
  'swarm-stacks/BretFisher__dogvscat/stack-elk.yml': {
    '83:3 require-overlay-encryption': 'real: overlay "elk" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
  },
  'swarm-stacks/BretFisher__dogvscat/stack-ghost.yml': {
    '71:3 require-overlay-encryption': 'real: overlay "ghost" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
  },
  'swarm-stacks/BretFisher__dogvscat/stack-menu.yml': {
    '17:5 no-swarm-unsupported-options': 'real: "menu" sets build, which docker stack deploy ignores',
  },
  'swarm-stacks/BretFisher__dogvscat/stack-portainer.yml': {
    '38:9 no-docker-socket-mount': 'real: "agent" gets the Docker API, root on the host',
    '47:3 require-overlay-encryption': 'real: overlay "portainer" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
  },
  'swarm-stacks/BretFisher__dogvscat/stack-proxy-global.yml': {
    '151:13 require-overlay-encryption': 'real: overlay "proxy" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
  },
  'swarm-stacks/BretFisher__dogvscat/stack-proxy.yml': {
    '25:9 no-docker-socket-mount': 'real: "traefik" gets the Docker API, root on the host',
    '68:13 require-overlay-encryption': 'real: overlay "proxy" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
  },
  'swarm-stacks/BretFisher__dogvscat/stack-prune.yml': {
    '20:9 no-docker-socket-mount': 'real: "image-prune" gets the Docker API, root on the host',
  },
  'swarm-stacks/BretFisher__dogvscat/stack-rexray.yml': {
    '21:9 no-docker-socket-mount': 'real: "plugin-rexray" gets the Docker API, root on the host',
  },
  'swarm-stacks/BretFisher__dogvscat/stack-sqlite-ghost.yml': {
    '43:3 require-overlay-encryption': 'real: overlay "ghost" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
  },
  'swarm-stacks/BretFisher__dogvscat/stack-swarmprom.yml': {
    '13:3 require-overlay-encryption': 'real: overlay "net" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
    '66:9 no-docker-socket-mount': 'real: "cadvisor" gets the Docker API, root on the host (read-only restricts the file, not the API)',
    '67:9 no-docker-socket-mount': 'real: "cadvisor" mounts "/" (read-only restricts the files, not the API), so the host socket at run/docker.sock gives it the Docker API, root on the host',
    '68:9 no-docker-socket-mount': 'real: "cadvisor" mounts "/var/run", the folder that holds the Docker socket: the Docker API, root on the host',
    '183:9 no-docker-socket-mount': 'real: "node-exporter" mounts "/" (read-only restricts the files, not the API), so the host socket at run/docker.sock gives it the Docker API, root on the host',
  },
  'swarm-stacks/BretFisher__dogvscat/stack-visualizer.yml': {
    '22:9 no-docker-socket-mount': 'real: "viz" gets the Docker API, root on the host',
  },
  'swarm-stacks/BretFisher__dogvscat/stack-voting.yml': {
    '76:3 require-overlay-encryption': 'real: overlay "frontend" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
    '77:3 require-overlay-encryption': 'real: overlay "backend" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
  },
  'swarm-stacks/dockersamples__atsea-sample-shop-app/docker-compose-dev.yml': {
    '5:5 no-swarm-unsupported-options': 'real: "database" sets build, which docker stack deploy ignores',
    '12:9 no-public-datastore-ports': 'real: database publishes PostgreSQL to every interface with no host_ip',
    '19:5 no-swarm-unsupported-options': 'real: "appserver" sets build, which docker stack deploy ignores',
    '25:9 no-public-datastore-ports': 'real: appserver publishes the Java debugger (JDWP) port, which runs any code its client sends',
    '37:3 require-overlay-encryption': 'real: overlay "front-tier" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
    '38:3 require-overlay-encryption': 'real: overlay "back-tier" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
    '39:3 no-unused-network': 'real: the dev file dropped payment_gateway but kept its "payment" network',
  },
  'swarm-stacks/dockersamples__atsea-sample-shop-app/docker-compose.yml': {
    '18:9 no-public-datastore-ports': 'real: database publishes PostgreSQL to every interface with no host_ip',
    '32:9 no-public-datastore-ports': 'real: appserver publishes the Java debugger (JDWP) port, which runs any code its client sends',
    '51:13 ambiguous-mode': 'real: the build file of the project (docker-stack.yml is its stack), linted as Compose by its name, yet it declares an overlay',
    '51:13 no-overlay-outside-swarm': 'real: under docker compose up, payment_gateway cannot join the non-attachable overlay "payment"',
  },
  'swarm-stacks/dockersamples__atsea-sample-shop-app/docker-stack.yml': {
    '60:9 no-docker-socket-mount': 'real: "visualizer" gets the Docker API, root on the host',
    '84:3 require-overlay-encryption': 'real: overlay "front-tier" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
    '85:3 require-overlay-encryption': 'real: overlay "back-tier" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
  },
  'swarm-stacks/dockersamples__example-voting-app/docker-stack.yml': {
    '49:3 require-overlay-encryption': 'real: overlay "frontend" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
    '50:3 require-overlay-encryption': 'real: overlay "backend" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
  },
  'swarm-stacks/stefanprodan__swarmprom/docker-compose.traefik.yml': {
    '5:13 require-overlay-encryption': 'real: overlay "net" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
    '47:9 no-docker-socket-mount': 'real: "cadvisor" gets the Docker API, root on the host (read-only restricts the file, not the API)',
    '48:9 no-docker-socket-mount': 'real: "cadvisor" mounts "/" (read-only restricts the files, not the API), so the host socket at run/docker.sock gives it the Docker API, root on the host',
    '49:9 no-docker-socket-mount': 'real: "cadvisor" mounts "/var/run", the folder that holds the Docker socket: the Docker API, root on the host',
    '179:9 no-docker-socket-mount': 'real: "node-exporter" mounts "/" (read-only restricts the files, not the API), so the host socket at run/docker.sock gives it the Docker API, root on the host',
  },
  'swarm-stacks/stefanprodan__swarmprom/docker-compose.yml': {
    '5:13 require-overlay-encryption': 'real: overlay "net" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
    '47:9 no-docker-socket-mount': 'real: "cadvisor" gets the Docker API, root on the host (read-only restricts the file, not the API)',
    '48:9 no-docker-socket-mount': 'real: "cadvisor" mounts "/" (read-only restricts the files, not the API), so the host socket at run/docker.sock gives it the Docker API, root on the host',
    '49:9 no-docker-socket-mount': 'real: "cadvisor" mounts "/var/run", the folder that holds the Docker socket: the Docker API, root on the host',
    '133:9 no-docker-socket-mount': 'real: "node-exporter" mounts "/" (read-only restricts the files, not the API), so the host socket at run/docker.sock gives it the Docker API, root on the host',
  },
  'swarm-stacks/stefanprodan__swarmprom/test-compose.yml': {
    '5:13 require-overlay-encryption': 'real: overlay "net" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
  },
  'swarm-stacks/stefanprodan__swarmprom/weave-compose.yml': {
    '5:13 require-overlay-encryption': 'real: overlay "net" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN',
    '37:9 no-docker-socket-mount': 'real: "cadvisor" gets the Docker API, root on the host (read-only restricts the file, not the API)',
    '38:9 no-docker-socket-mount': 'real: "cadvisor" mounts "/" (read-only restricts the files, not the API), so the host socket at run/docker.sock gives it the Docker API, root on the host',
    '39:9 no-docker-socket-mount': 'real: "cadvisor" mounts "/var/run", the folder that holds the Docker socket: the Docker API, root on the host',
    '78:9 no-docker-socket-mount': 'real: "node-exporter" mounts "/" (read-only restricts the files, not the API), so the host socket at run/docker.sock gives it the Docker API, root on the host',
    '140:9 no-docker-socket-mount': 'real: "scope-launcher" gets the Docker API, root on the host',
  },
};

/**
 * Stacks under a name docker compose finds by itself, which their READMEs deploy with
 * `docker stack deploy -c docker-compose.yml`: linted with --mode stack, as their ambiguous-mode note asks.
 */
const STACK_MODE: Record<string, string> = {
  'swarm-stacks/stefanprodan__swarmprom/docker-compose.yml': '5:13',
};

describe('corpus: stacks named as Compose files', () => {
  for (const [key, at] of Object.entries(STACK_MODE)) {
    it(`${key} gets one ambiguous-mode note at its overlay in auto mode`, () => {
      const file = path.join(FIXTURES, key);
      const { findings, project } = lintProject({ files: [file], cwd: path.dirname(file), env: DEPLOY_ENV[key] ?? {}, config: defaultConfig() });
      expect(project.mode).to.equal('compose');
      expect(findings.filter((f) => f.ruleId === 'ambiguous-mode').map((f) => `${f.line}:${f.column}`)).to.deep.equal([at]);
    });
  }
});

/** `line:column ruleId` of each finding, with ` (2)`, ` (3)` … on repeats of the same key. */
function keys(findings: { line: number; column: number; ruleId: string }[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const key = `${f.line}:${f.column} ${f.ruleId}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n === 1 ? key : `${key} (${n})`;
  });
}

describe('corpus: every finding on the vendored Compose files is one a reviewer agrees with', function () {
  this.timeout(60_000);
  const files = ['awesome-compose', 'swarm-stacks', 'docker-compose-e2e', 'docker-compose-linter'].flatMap((under) => corpusFiles(under));

  it('lists only files that exist', () => {
    const keyed = new Set(files.map((file) => path.relative(FIXTURES, file)));
    expect([...Object.keys(EXPECTED), ...Object.keys(STACK_MODE)].filter((key) => !keyed.has(key))).to.deep.equal([]);
  });

  for (const file of files) {
    const key = path.relative(FIXTURES, file);
    it(`${key}`, () => {
      const mode = key in STACK_MODE ? 'stack' : 'auto';
      const { findings } = lintProject({ files: [file], cwd: path.dirname(file), env: DEPLOY_ENV[key] ?? {}, config: defaultConfig(), mode });
      expect(keys(findings)).to.deep.equal(Object.keys(EXPECTED[key] ?? {}));
    });
  }
});
