#!/usr/bin/env node
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
