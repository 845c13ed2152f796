#!/usr/bin/env -S node --
// The `--` ends Node's own options before the user's arguments. Without it Node 20, 22 and 24 also
// read an `--env-file` (or `--env-file-if-exists`) that follows the script name, and honour the
// NODE_OPTIONS it sets (nodejs/node#54232): `compose-netlint --env-file .env` would let a project's
// .env run code (`NODE_OPTIONS=--require ./x.js`). `env -S` splits the line (GNU coreutils 8.30+,
// macOS, FreeBSD); npm's Windows shims and pre-commit read the same line. BusyBox's env (Alpine)
// has no -S: see "Security" in the README.
import { run } from './main';

void run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  isTty: Boolean(process.stdout.isTTY),
}).then((code) => {
  process.exitCode = code;
});
