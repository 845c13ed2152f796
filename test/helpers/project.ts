import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Writes `files` (relative path -> text) into a fresh temporary directory and returns it. */
export function tempProject(files: Record<string, string>, name = 'proj'): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'netlint-')), name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    const full = path.join(dir, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
  }
  return dir;
}

export const here = (...parts: string[]): string => path.join(__dirname, '..', ...parts);
