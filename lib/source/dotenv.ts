import type { Span } from './span';
import { interpolateString, type Lookup } from './interpolate';

export interface EnvEntry {
  key: string;
  value: string;
  /** the variable name's position in the file */
  span: Span;
  /** the value's position in the file */
  valueSpan: Span;
}

export interface ParsedEnvFile {
  entries: EnvEntry[];
  errors: { message: string; span: Span }[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Parses a Compose `.env` / `env_file` file the way compose-go's dotenv does: `KEY=value`,
 * optional `export `, `#` comments, single quotes literal, double quotes with escapes,
 * `${VAR}` interpolation from earlier lines and then `lookup`.
 */
export function parseEnvFile(file: string, text: string, lookup: Lookup = () => undefined): ParsedEnvFile {
  const entries: EnvEntry[] = [];
  const errors: ParsedEnvFile['errors'] = [];
  const own = new Map<string, string>();
  const resolve: Lookup = (name) => (own.has(name) ? own.get(name) : lookup(name));
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const indent = line.length - trimmed.length;
    const body = trimmed.startsWith('export ') ? trimmed.slice(7).trimStart() : trimmed;
    const keyColumn = indent + (trimmed.length - body.length) + 1;
    const eq = body.search(/[=:]/);
    const key = (eq < 0 ? body : body.slice(0, eq)).trim();
    const lineNo = index + 1;
    const keySpan: Span = { file, line: lineNo, column: keyColumn, endLine: lineNo, endColumn: keyColumn + key.length };
    if (!NAME.test(key)) {
      errors.push({ message: `unexpected character in variable name "${key}"`, span: keySpan });
      continue;
    }
    if (eq < 0) {
      // a bare name takes its value from the environment, if set
      const inherited = lookup(key);
      if (inherited !== undefined) {
        own.set(key, inherited);
        entries.push({ key, value: inherited, span: keySpan, valueSpan: keySpan });
      }
      continue;
    }
    let rest = body.slice(eq + 1);
    const leading = rest.length - rest.trimStart().length;
    rest = rest.trimStart();
    const valueColumn = keyColumn + eq + 1 + leading;
    let value: string;
    let endLine = lineNo;
    let endColumn: number;
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      // quoted values may span lines
      let raw = rest.slice(1);
      let close = findClose(raw, quote);
      let lineCursor = index;
      while (close < 0 && lineCursor + 1 < lines.length) {
        lineCursor++;
        raw += '\n' + lines[lineCursor];
        close = findClose(raw, quote);
      }
      if (close < 0) {
        errors.push({ message: `unterminated quoted value for "${key}"`, span: keySpan });
        break;
      }
      const inner = raw.slice(0, close);
      index = lineCursor;
      endLine = lineCursor + 1;
      const lastLine = inner.lastIndexOf('\n');
      endColumn = lastLine < 0 ? valueColumn + close + 2 : close - lastLine + 1;
      value = quote === "'" ? inner : interpolateString(unescape(inner), resolve).value;
    } else {
      const comment = rest.search(/\s#/);
      const raw = (comment < 0 ? rest : rest.slice(0, comment)).trimEnd();
      endColumn = valueColumn + raw.length;
      value = interpolateString(raw, resolve).value;
    }
    own.set(key, value);
    entries.push({ key, value, span: keySpan, valueSpan: { file, line: lineNo, column: valueColumn, endLine, endColumn } });
  }
  return { entries, errors };
}

function findClose(text: string, quote: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && quote === '"') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

function unescape(text: string): string {
  return text.replace(/\\([nrt"\\$])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? (c === '$' ? '$$' : c));
}
