/**
 * Whether the engine tests (test/e2e) run, are skipped or fail. Kept apart from helpers.ts, which
 * loads the probe and dockerode, so that test/e2e/gate.test.ts can check the decision without them.
 */

export type Gate = { action: 'run' } | { action: 'skip'; line?: string } | { action: 'fail'; message: string };

/** Whether `env` is a CI job's: CI set to anything but "", "0" or "false" (GitHub Actions, GitLab and most others set CI=true). */
export function inCi(env: Record<string, string | undefined>): boolean {
  const ci = env.CI?.trim().toLowerCase();
  return !!ci && ci !== '0' && ci !== 'false';
}

/**
 * Decides for one suite: `missing` is what the engine tests lack (undefined when the engine, the
 * probe image and, where needed, Swarm are there). In CI a missing engine is a failure; elsewhere the
 * suite is skipped, and the first suite skipped for a reason gets `line`, one line saying why and
 * how to run the tests, which the caller prints. `announced` holds the reasons already printed.
 */
export function engineGate(missing: string | undefined, env: Record<string, string | undefined>, announced: Set<string>): Gate {
  if (missing === undefined) return { action: 'run' };
  if (inCi(env)) {
    return { action: 'fail', message: `the docker e2e tests need a Docker engine, the probe image and a single-node Swarm, and ${missing}; CI is set, so they fail instead of being skipped (bash scripts/ci-docker.sh sets them up)` };
  }
  // the reason, without the probe's own advice after it (connect() ends its message with "; start the engine …")
  const reason = missing.split('; ')[0];
  if (announced.has(reason)) return { action: 'skip' };
  announced.add(reason);
  return { action: 'skip', line: `docker e2e tests skipped: ${reason}. to run them: bash scripts/ci-docker.sh (a Docker engine, the probe image and a single-node Swarm), then npm test` };
}
