#!/usr/bin/env -S node --
// The `--` ends Node's own options before the user's arguments. Without it Node 20, 22 and 24 also
// read an `--env-file` (or `--env-file-if-exists`) that follows the script name, and honour the
// NODE_OPTIONS it sets (nodejs/node#54232): `compose-netlint --env-file .env` would let a project's
// .env run code (`NODE_OPTIONS=--require ./x.js`). `env -S` splits the line (GNU coreutils 8.30+,
// macOS, FreeBSD); npm's Windows shims and pre-commit read the same line. BusyBox's env (Alpine)
// has no -S: see "Security" in the README.
import { run } from './main';

void run(process.argv.slice(2), {
  stdout: writer(process.stdout),
  stderr: writer(process.stderr),
  env: process.env,
  cwd: process.cwd(),
  isTty: Boolean(process.stdout.isTTY),
}).then((code) => {
  process.exitCode = code;
});

/**
 * Writes to a standard stream until its reader goes away (EPIPE, as in `compose-netlint rules | head -1`),
 * then drops further output quietly instead of dying with a stack trace; the exit code stays the command's.
 */
function writer(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    closed = true;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}
