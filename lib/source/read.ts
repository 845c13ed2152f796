import * as fs from 'node:fs';
import { InputError } from './diagnostic';

/** Compose files are small; anything larger is refused rather than parsed slowly. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** Reads a text file, refusing directories, binary content and files over MAX_FILE_BYTES. */
export function readText(file: string, display: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new InputError(`${display}: no such file`, 'ENOENT');
  }
  if (stat.isDirectory()) throw new InputError(`${display}: is a directory, not a Compose file`, 'EREAD');
  if (stat.size > MAX_FILE_BYTES) {
    throw new InputError(`${display}: file is ${(stat.size / 1048576).toFixed(1)} MiB; compose-netlint reads Compose files up to ${MAX_FILE_BYTES / 1048576} MiB`, 'ETOOBIG');
  }
  let buffer: Buffer;
  try {
    buffer = fs.readFileSync(file);
  } catch (error) {
    throw new InputError(`${display}: cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 'EREAD');
  }
  if (buffer.includes(0)) throw new InputError(`${display}: binary file, not a Compose file`, 'EBINARY');
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buffer);
  if (text.includes('\uFFFD') && !buffer.includes(Buffer.from('\uFFFD'))) {
    throw new InputError(`${display}: not valid UTF-8 text`, 'EBINARY');
  }
  return text.replace(/^\uFEFF/, '');
}
