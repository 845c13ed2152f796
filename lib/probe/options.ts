import { parseOptions } from '../util/args';
import { PROJECT_OPTIONS, projectArgs, type ProjectArgs } from '../project-options';
import { DEFAULT_OLDER_THAN_MS, parseDuration } from './owner';

export const DEFAULT_PROBE_IMAGE = 'busybox';
/**
 * Execs at a time: enough that every source of a 10-service project probes in one timeout window (a
 * source's batch mostly waits out blocked connects); at 40 services 16 batches of busybox processes
 * still leave 2 cores room, so no reachable cell times out (npm run bench:probe).
 */
export const DEFAULT_CONCURRENCY = 16;

export interface ProbeOptions extends ProjectArgs {
  paths: string[];
  image: string;
  /** seconds one probe may take */
  timeout: number;
  /** execs at a time */
  concurrency: number;
  /** seconds one engine call may take (until its whole answer is in; streams and execs: until they start) */
  engineTimeout: number;
  format: 'text' | 'json' | 'junit';
  output?: string;
  keep: boolean;
  cleanup: boolean;
  /** with --cleanup: only this run */
  cleanupRun?: string;
  /** with --cleanup: only runs of this project */
  cleanupProject?: string;
  /** with --cleanup: every run in scope, over or not */
  cleanupAll: boolean;
  /** with --cleanup: runs of other hosts count as over once older than this, in milliseconds (default 1h) */
  olderThanMs: number;
  /** rule levels, `ID=LEVEL`, as lint's --rule */
  rules: string[];
  useExternal: boolean;
  /** probe the project's running containers (found by Compose's labels) from sidecars */
  attach: boolean;
  /** bring the project up from its own images, probe it as --attach does, remove it */
  real: boolean;
  /** with --real: seconds to wait for health checks and listeners */
  readyTimeout: number;
  debug: boolean;
  help: boolean;
}

export class UsageError extends Error {}

/** The probe command's options (node:util parseArgs specs); PROBE_HELP describes each. */
export const PROBE_OPTIONS = {
  ...PROJECT_OPTIONS,
  'probe-image': { type: 'string' },
  timeout: { type: 'string' },
  concurrency: { type: 'string' },
  'engine-timeout': { type: 'string' },
  format: { type: 'string' },
  output: { type: 'string' },
  keep: { type: 'boolean' },
  cleanup: { type: 'boolean' },
  run: { type: 'string' },
  project: { type: 'string' },
  all: { type: 'boolean' },
  'older-than': { type: 'string' },
  rule: { type: 'string', multiple: true },
  'use-external': { type: 'boolean' },
  attach: { type: 'boolean' },
  real: { type: 'boolean' },
  'ready-timeout': { type: 'string' },
  debug: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses the probe command's argv (without the `probe` word itself; a leading `probe` is tolerated). */
export function parseProbeArgs(argv: string[]): ProbeOptions {
  const args = argv[0] === 'probe' ? argv.slice(1) : argv;
  let parsed;
  try {
    parsed = parseOptions(args, PROBE_OPTIONS, 'probe --help');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  let project: ProjectArgs;
  try {
    project = projectArgs(v);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const format = v.format ?? 'text';
  if (!['text', 'json', 'junit'].includes(format)) throw new UsageError(`--format must be text, json or junit, not "${format}"`);
  const timeout = v.timeout === undefined ? 3 : Number(v.timeout);
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 60) throw new UsageError(`--timeout needs whole seconds from 1 to 60, not "${v.timeout}"`);
  const concurrency = v.concurrency === undefined ? DEFAULT_CONCURRENCY : Number(v.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError(`--concurrency needs a whole number from 1 to 64, not "${v.concurrency}"`);
  const engineTimeout = v['engine-timeout'] === undefined ? 30 : Number(v['engine-timeout']);
  if (!Number.isInteger(engineTimeout) || engineTimeout < 1 || engineTimeout > 600) throw new UsageError(`--engine-timeout needs whole seconds from 1 to 600, not "${v['engine-timeout']}"`);
  if (v.file?.length && parsed.positionals.length) throw new UsageError('give either -f files or one PATH, not both');
  if (parsed.positionals.length > 1) throw new UsageError('probe takes one project: give one PATH or -f files');
  const scoped = (['run', 'project', 'all', 'older-than'] as const).filter((k) => v[k] !== undefined);
  if (!v.cleanup && scoped.length) throw new UsageError(`--${scoped[0]} goes with --cleanup`);
  if (v.cleanup && (parsed.positionals.length || v.file?.length)) throw new UsageError('--cleanup takes no project; narrow it with --run ID or --project NAME');
  if (v.all && v['older-than'] !== undefined) throw new UsageError('give either --all or --older-than, not both');
  if (v.attach && v.real) throw new UsageError('give either --attach or --real, not both');
  if (v.cleanup && (v.attach || v.real)) throw new UsageError(`--${v.attach ? 'attach' : 'real'} does not go with --cleanup`);
  if (v['ready-timeout'] !== undefined && !v.real) throw new UsageError('--ready-timeout goes with --real');
  if (v.attach && v['use-external']) throw new UsageError('--use-external does not go with --attach: the running project has its own networks');
  const readyTimeout = v['ready-timeout'] === undefined ? 60 : Number(v['ready-timeout']);
  if (!Number.isInteger(readyTimeout) || readyTimeout < 1 || readyTimeout > 600) throw new UsageError(`--ready-timeout needs whole seconds from 1 to 600, not "${v['ready-timeout']}"`);
  if (v.run !== undefined && !/^[0-9a-f]{8}$/.test(v.run)) throw new UsageError(`--run needs a run id of 8 hex digits (as printed by probe), not "${v.run}"`);
  if (v.project !== undefined && !v.project) throw new UsageError('--project needs a project name');
  const olderThanMs = v['older-than'] === undefined ? DEFAULT_OLDER_THAN_MS : parseDuration(v['older-than']);
  if (olderThanMs === undefined) throw new UsageError(`--older-than needs a duration such as 30m, 2h or 1d, not "${v['older-than']}"`);
  return {
    ...project,
    paths: parsed.positionals,
    image: v['probe-image'] ?? DEFAULT_PROBE_IMAGE,
    timeout,
    concurrency,
    engineTimeout,
    format: format as ProbeOptions['format'],
    output: v.output,
    keep: v.keep ?? false,
    cleanup: v.cleanup ?? false,
    ...(v.run !== undefined ? { cleanupRun: v.run } : {}),
    ...(v.project !== undefined ? { cleanupProject: v.project } : {}),
    cleanupAll: v.all ?? false,
    olderThanMs,
    rules: v.rule ?? [],
    useExternal: v['use-external'] ?? false,
    attach: v.attach ?? false,
    real: v.real ?? false,
    readyTimeout,
    debug: v.debug ?? false,
    help: v.help ?? false,
  };
}

export const PROBE_HELP = `compose-netlint probe: bring a network twin of the project up on a Docker engine and test it

Usage:
  compose-netlint probe [project options] [probe options] [PATH]
  compose-netlint probe --cleanup [--run ID] [--project NAME] [--older-than DURATION | --all]
Project options (as lint):
  -f, --file FILE, -p, --project-name NAME, --project-directory DIR, --env-file FILE,
  --profile NAME, --mode compose|stack|auto, -c, --config FILE
      --rule ID=LEVEL        set a rule to off, info, warning or error; repeatable
      --engine ENGINE        the engine target (as lint); the probe lints for the engine it talks to
                             (its /version) and says so once when that differs
Probe options:
      --probe-image IMG      image for the twin's containers (default: ${DEFAULT_PROBE_IMAGE}); needs sh, timeout,
                             nslookup, and socat (TCP and UDP) or nc (TCP only)
      --timeout S            seconds one probe may take (default: 3)
      --concurrency N        execs at a time (default: ${DEFAULT_CONCURRENCY})
      --engine-timeout S     seconds one call to the engine may take (default: 30)
      --format FORMAT        text (default), json or junit
      --output FILE          write the report to FILE instead of stdout
      --keep                 leave the twin running and print how to remove it
      --use-external         attach to the project's external networks instead of creating stand-ins
      --attach               probe the project's running containers (found by Compose's labels) from sidecars
                             that join their namespaces, instead of a twin; the containers are not changed
      --real                 bring the project up from its own images (built or present locally, never pulled),
                             probe it as --attach does, then remove everything the run created
      --ready-timeout S      with --real: seconds to wait for health checks and listeners (default: 60)
      --debug                print stack traces of internal errors
      --no-color             accepted as lint takes it; the probe's report has no colours
  -h, --help                 show this help
Cleanup (removes the objects earlier runs left behind, found by their labels, and nothing else):
      --cleanup              remove the runs that are over: on this host, runs whose owner process is gone;
                             runs of other hosts (or of older versions) once older than --older-than
      --run ID               only this run
      --project NAME         only runs of this project
      --older-than DURATION  age from which a run of another host counts as over: 30m, 2h, 1d (default: 1h)
      --all                  remove every run in scope, runs still in progress too (they will break)
The engine is found through DOCKER_HOST (unix:// or tcp://, with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH),
else unix:///var/run/docker.sock.
Exit codes: 0 every observation matches the prediction, 1 a disagreement, a failed probe, a refuted finding or
(--attach, --real) an error-level finding from the application's socket tables, 2 usage error, engine unreachable
or faulty, the twin cannot be built, no running container of the project (--attach), or another run holds a
fixed subnet or host port the twin needs, 130/143 interrupted (the twin is removed; a second Ctrl-C leaves it behind).
`;
