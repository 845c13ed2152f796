import * as fs from 'node:fs';
import { InputError } from './diagnostic';

/** Compose files are small; anything larger is refused rather than parsed slowly. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** Bytes asked of the kernel per read. */
const CHUNK_BYTES = 64 * 1024;

/** Opening a FIFO for reading waits for a writer unless O_NONBLOCK is given (undefined on Windows, which has no FIFOs). */
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/** "a" or "an" before `word` (by its first letter: "an env file", "a Compose file"). */
function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}

function tooBig(display: string, kind: string, size: string, limit: number): InputError {
  return new InputError(`${display}: file is ${size} MiB; compose-netlint reads ${kind}s up to ${limit / 1048576} MiB`, 'ETOOBIG');
}

/** What a file is when it is not a regular file or a directory, as `ls -l` would tell. */
function kindOf(stat: fs.Stats): string {
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

function notRegular(display: string, stat: fs.Stats): InputError {
  return new InputError(`${display}: not a regular file (${kindOf(stat)}); compose-netlint reads only regular files`, 'EREAD');
}

function cannotRead(display: string, error: unknown): InputError {
  return new InputError(`${display}: cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 'EREAD');
}

/**
 * The one reader of files for lib/: reads a regular file (symlinks followed) and returns its bytes,
 * reading never more than `limit + 1` bytes whatever the file claims to be.
 *
 * Devices, FIFOs and sockets are refused before they are opened: `stat.size` is 0 for them, so a
 * size check alone would let `/dev/zero` (a symlink a pull request can add) fill memory, and a FIFO
 * or `/dev/stdin` block forever. The file is opened with O_NONBLOCK and checked again on the open
 * descriptor (same device and inode, still regular), so a swap between the checks is refused too;
 * a regular file that grows past `limit` while read (or a /proc file, which reports size 0) is cut
 * off at `limit + 1` bytes and refused.
 *
 * `display` names the file in messages, `kind` says what it should be ("Compose file", "env file",
 * "configuration file"…: "is a directory, not an env file"). Throws InputError: ENOENT (no such file), EREAD (a directory,
 * not a regular file, or an I/O error with its errno code), ETOOBIG (over `limit` bytes, default 4 MiB).
 */
export function readBounded(file: string, display: string, kind: string, limit = MAX_FILE_BYTES): Buffer {
  let before: fs.Stats;
  try {
    before = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputError(`${display}: no such file`, 'ENOENT');
    throw cannotRead(display, error);
  }
  if (before.isDirectory()) throw new InputError(`${display}: is a directory, not ${article(kind)} ${kind}`, 'EREAD');
  if (!before.isFile()) throw notRegular(display, before);
  if (before.size > limit) throw tooBig(display, kind, mib(before.size), limit);
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (error) {
    throw cannotRead(display, error);
  }
  try {
    const opened = fs.fstatSync(fd);
    if (!opened.isFile()) throw notRegular(display, opened);
    if (opened.dev !== before.dev || opened.ino !== before.ino) throw new InputError(`${display}: changed while it was being opened; run again`, 'EREAD');
    return readToEnd(fd, display, kind, limit);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads a text file through `readBounded` (regular files only, at most 4 MiB), refusing binary
 * content (a NUL byte) and invalid UTF-8; a leading byte-order mark is dropped. Throws InputError
 * as `readBounded` does, or EBINARY; `kind` names what the file should be, as there.
 */
export function readText(file: string, display: string, kind: string): string {
  return decodeText(readBounded(file, display, kind), display, kind);
}

/**
 * Reads standard input (file descriptor `fd`, 0 by default) to its end as `readText` reads a file: at most
 * 4 MiB, text only. `display` names it in messages (the `--stdin-filename`). Throws InputError: ETOOBIG,
 * EBINARY, EREAD (an I/O error with its errno code).
 */
export function readStdinText(display: string, kind: string, fd = 0): string {
  return decodeText(readToEnd(fd, display, kind, MAX_FILE_BYTES), display, kind);
}

/**
 * Reads `fd` to its end in chunks, never more than `limit + 1` bytes: past `limit` it throws ETOOBIG. A
 * non-blocking descriptor with no data yet (EAGAIN: a terminal some shells leave so) is waited on 10 ms at a
 * time; other read errors are EREAD with their errno code.
 */
function readToEnd(fd: number, display: string, kind: string, limit: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, limit + 1 - total));
    let n: number;
    try {
      n = fs.readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (code === 'EOF') break;
      throw cannotRead(display, error);
    }
    if (n === 0) break;
    chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    total += n;
    if (total > limit) throw tooBig(display, kind, `over ${limit / 1048576}`, limit);
  }
  return Buffer.concat(chunks, total);
}

/** The text of `buffer`: refuses a NUL byte and invalid UTF-8 (EBINARY), drops a leading byte-order mark. */
function decodeText(buffer: Buffer, display: string, kind: string): string {
  if (buffer.includes(0)) throw new InputError(`${display}: binary file, not ${article(kind)} ${kind}`, 'EBINARY');
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buffer);
  if (text.includes('\uFFFD') && !buffer.includes(Buffer.from('\uFFFD'))) {
    throw new InputError(`${display}: not valid UTF-8 text`, 'EBINARY');
  }
  return text.replace(/^\uFEFF/, '');
}
