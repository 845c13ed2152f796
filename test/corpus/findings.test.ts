import { expect } from 'chai';
import * as path from 'node:path';
import { defaultConfig } from '../../lib/engine/config';
import { lintProject } from '../../lib/lint';
import { CORPUS, corpusFiles } from '../helpers/corpus';
import { DEPLOY_ENV } from '../helpers/deploy-env';

/**
 * Every finding that all rules give on awesome-compose and the swarm stacks, each reviewed by a
 * person and kept with a one-line justification. A file not listed must stay clean. Files are linted
 * in the mode auto-detection picks, except the stacks in STACK_MODE.
 */
const EXPECTED: Record<string, Record<string, string>> = {
  'awesome-compose/elasticsearch-logstash-kibana/compose.yaml': {
    '9:9 no-public-datastore-ports': "real: elasticsearch publishes Elasticsearch/OpenSearch to every interface with no host_ip",
    '10:9 no-public-datastore-ports': "real: elasticsearch publishes Elasticsearch/OpenSearch transport to every interface with no host_ip",
  },
  'awesome-compose/flask-redis/compose.yaml': {
    '5:9 no-public-datastore-ports': "real: redis publishes Redis to every interface with no host_ip",
  },
  'awesome-compose/nginx-nodejs-redis/compose.yaml': {
    '6:9 no-public-datastore-ports': "real: redis publishes Redis to every interface with no host_ip",
  },
  'awesome-compose/portainer/compose.yaml': {
    '9:9 no-docker-socket-mount': "real: \"portainer\" gets the Docker API, root on the host",
  },
  'awesome-compose/postgresql-pgadmin/compose.yaml': {
    '10:9 no-public-datastore-ports': "real: postgres publishes PostgreSQL to every interface with no host_ip",
  },
  'awesome-compose/react-rust-postgres/compose.yaml': {
    '42:9 no-public-datastore-ports': "real: db publishes PostgreSQL to every interface with no host_ip",
  },
  'awesome-compose/traefik-golang/compose.yaml': {
    '10:9 no-docker-socket-mount': "real: \"frontend\" gets the Docker API, root on the host",
  },
  'awesome-compose/wasmedge-kafka-mysql/compose.yml': {
    '16:9 no-public-datastore-ports': "real: redpanda publishes Kafka to every interface with no host_ip",
  },
  'swarm-stacks/BretFisher__dogvscat/old-stack-proxy.yml': {
    '33:9 no-docker-socket-mount': "real: \"swarm-listener\" gets the Docker API, root on the host",
  },
  'swarm-stacks/BretFisher__dogvscat/stack-ee-menu.yml': {
    '7:5 no-swarm-unsupported-options': "real: \"menu\" sets build, which docker stack deploy ignores",
    '19:3 require-overlay-encryption': "real: overlay \"menu\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
  },
  'swarm-stacks/BretFisher__dogvscat/stack-ee-voting.yml': {
    '55:3 require-overlay-encryption': "real: overlay \"frontend\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
    '56:3 require-overlay-encryption': "real: overlay \"backend\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
  },
  'swarm-stacks/BretFisher__dogvscat/stack-elk.yml': {
    '83:3 require-overlay-encryption': "real: overlay \"elk\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
  },
  'swarm-stacks/BretFisher__dogvscat/stack-ghost.yml': {
    '71:3 require-overlay-encryption': "real: overlay \"ghost\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
  },
  'swarm-stacks/BretFisher__dogvscat/stack-menu.yml': {
    '17:5 no-swarm-unsupported-options': "real: \"menu\" sets build, which docker stack deploy ignores",
  },
  'swarm-stacks/BretFisher__dogvscat/stack-portainer.yml': {
    '38:9 no-docker-socket-mount': "real: \"agent\" gets the Docker API, root on the host",
    '47:3 require-overlay-encryption': "real: overlay \"portainer\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
  },
  'swarm-stacks/BretFisher__dogvscat/stack-proxy-global.yml': {
    '44:34 no-unreachable-reference': "real but harmless: traefik-init only stores its config in consul; the traefik service that uses the endpoint is on traefik-docker",
    '151:13 require-overlay-encryption': "real: overlay \"proxy\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
  },
  'swarm-stacks/BretFisher__dogvscat/stack-proxy.yml': {
    '25:9 no-docker-socket-mount': "real: \"traefik\" gets the Docker API, root on the host",
    '68:13 require-overlay-encryption': "real: overlay \"proxy\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
  },
  'swarm-stacks/BretFisher__dogvscat/stack-prune.yml': {
    '20:9 no-docker-socket-mount': "real: \"image-prune\" gets the Docker API, root on the host",
  },
  'swarm-stacks/BretFisher__dogvscat/stack-rexray.yml': {
    '21:9 no-docker-socket-mount': "real: \"plugin-rexray\" gets the Docker API, root on the host",
  },
  'swarm-stacks/BretFisher__dogvscat/stack-sqlite-ghost.yml': {
    '43:3 require-overlay-encryption': "real: overlay \"ghost\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
  },
  'swarm-stacks/BretFisher__dogvscat/stack-swarmprom.yml': {
    '13:3 require-overlay-encryption': "real: overlay \"net\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
    '66:9 no-docker-socket-mount': "real: \"cadvisor\" gets the Docker API, root on the host (read-only restricts the file, not the API)",
  },
  'swarm-stacks/BretFisher__dogvscat/stack-visualizer.yml': {
    '22:9 no-docker-socket-mount': "real: \"viz\" gets the Docker API, root on the host",
  },
  'swarm-stacks/BretFisher__dogvscat/stack-voting.yml': {
    '76:3 require-overlay-encryption': "real: overlay \"frontend\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
    '77:3 require-overlay-encryption': "real: overlay \"backend\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
  },
  'swarm-stacks/dockersamples__atsea-sample-shop-app/docker-compose-dev.yml': {
    '5:5 no-swarm-unsupported-options': "real: \"database\" sets build, which docker stack deploy ignores",
    '12:9 no-public-datastore-ports': "real: database publishes PostgreSQL to every interface with no host_ip",
    '19:5 no-swarm-unsupported-options': "real: \"appserver\" sets build, which docker stack deploy ignores",
    '37:3 require-overlay-encryption': "real: overlay \"front-tier\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
    '38:3 require-overlay-encryption': "real: overlay \"back-tier\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
    '39:3 no-unused-network': "real: the dev file dropped payment_gateway but kept its \"payment\" network",
  },
  'swarm-stacks/dockersamples__atsea-sample-shop-app/docker-compose.yml': {
    '18:9 no-public-datastore-ports': "real: database publishes PostgreSQL to every interface with no host_ip",
    '51:13 ambiguous-mode': "real: the build file of the project (docker-stack.yml is its stack), linted as Compose by its name, yet it declares an overlay",
    '51:13 no-overlay-outside-swarm': "real: under docker compose up, payment_gateway cannot join the non-attachable overlay \"payment\"",
  },
  'swarm-stacks/dockersamples__atsea-sample-shop-app/docker-stack.yml': {
    '60:9 no-docker-socket-mount': "real: \"visualizer\" gets the Docker API, root on the host",
    '84:3 require-overlay-encryption': "real: overlay \"front-tier\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
    '85:3 require-overlay-encryption': "real: overlay \"back-tier\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
  },
  'swarm-stacks/dockersamples__example-voting-app/docker-stack.yml': {
    '49:3 require-overlay-encryption': "real: overlay \"frontend\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
    '50:3 require-overlay-encryption': "real: overlay \"backend\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
  },
  'swarm-stacks/stefanprodan__swarmprom/docker-compose.traefik.yml': {
    '5:13 require-overlay-encryption': "real: overlay \"net\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
    '47:9 no-docker-socket-mount': "real: \"cadvisor\" gets the Docker API, root on the host (read-only restricts the file, not the API)",
  },
  'swarm-stacks/stefanprodan__swarmprom/docker-compose.yml': {
    '5:13 require-overlay-encryption': "real: overlay \"net\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
    '47:9 no-docker-socket-mount': "real: \"cadvisor\" gets the Docker API, root on the host (read-only restricts the file, not the API)",
  },
  'swarm-stacks/stefanprodan__swarmprom/test-compose.yml': {
    '5:13 require-overlay-encryption': "real: overlay \"net\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
  },
  'swarm-stacks/stefanprodan__swarmprom/weave-compose.yml': {
    '5:13 require-overlay-encryption': "real: overlay \"net\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
    '37:9 no-docker-socket-mount': "real: \"cadvisor\" gets the Docker API, root on the host (read-only restricts the file, not the API)",
    '140:9 no-docker-socket-mount': "real: \"scope-launcher\" gets the Docker API, root on the host",
  },
  'swarm-stacks/swarmpit__swarmpit/docker-compose.arm.yml': {
    '8:9 no-docker-socket-mount': "real: \"app\" gets the Docker API, root on the host (read-only restricts the file, not the API)",
    '58:9 no-docker-socket-mount': "real: \"agent\" gets the Docker API, root on the host (read-only restricts the file, not the API)",
    '73:13 require-overlay-encryption': "real: overlay \"net\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
  },
  'swarm-stacks/swarmpit__swarmpit/docker-compose.yml': {
    '8:9 no-docker-socket-mount': "real: \"app\" gets the Docker API, root on the host (read-only restricts the file, not the API)",
    '65:9 no-docker-socket-mount': "real: \"agent\" gets the Docker API, root on the host (read-only restricts the file, not the API)",
    '82:13 require-overlay-encryption': "real: overlay \"net\" has no driver_opts.encrypted, so cross-node traffic is clear VXLAN",
  },
};

/**
 * Stacks under a name docker compose finds by itself, which their READMEs deploy with
 * `docker stack deploy -c docker-compose.yml`: linted with --mode stack, as their ambiguous-mode note asks.
 */
const STACK_MODE: Record<string, string> = {
  'swarm-stacks/stefanprodan__swarmprom/docker-compose.yml': '5:13',
  'swarm-stacks/swarmpit__swarmpit/docker-compose.yml': '82:13',
};

describe('corpus: stacks named as Compose files', () => {
  for (const [key, at] of Object.entries(STACK_MODE)) {
    it(`${key} gets one ambiguous-mode note at its overlay in auto mode`, () => {
      const file = path.join(CORPUS, key);
      const { findings, project } = lintProject({ files: [file], cwd: path.dirname(file), env: DEPLOY_ENV[key] ?? {}, config: defaultConfig() });
      expect(project.mode).to.equal('compose');
      expect(findings.filter((f) => f.ruleId === 'ambiguous-mode').map((f) => `${f.line}:${f.column}`)).to.deep.equal([at]);
    });
  }
});

describe('corpus: every finding on awesome-compose and the swarm stacks is one a reviewer agrees with', function () {
  this.timeout(60_000);
  for (const under of ['awesome-compose', 'swarm-stacks']) {
    for (const file of corpusFiles(under)) {
      const key = path.relative(CORPUS, file);
      it(`${key}`, () => {
        const mode = key in STACK_MODE ? 'stack' : 'auto';
        const { findings } = lintProject({ files: [file], cwd: path.dirname(file), env: DEPLOY_ENV[key] ?? {}, config: defaultConfig(), mode });
        expect(findings.map((f) => `${f.line}:${f.column} ${f.ruleId}`)).to.deep.equal(Object.keys(EXPECTED[key] ?? {}));
      });
    }
  }
});
