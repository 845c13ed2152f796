/** Runs the probe command in its own process, as the CLI will: used by the SIGINT test and by hand. */
import { runProbeCommand } from '../../lib/probe';

runProbeCommand(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
}).then((code) => {
  process.exitCode = code;
});
