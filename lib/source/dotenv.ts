import type { Span } from './span';
import { expansionBudget, expansionMessage, interpolateString, type Lookup } from './interpolate';

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
 * `${VAR}` interpolation from earlier lines and then `lookup`. An unterminated quote, or values
 * expanding past the file's expansion budget (see `expansionLimit`), is an error at that entry
 * and ends the file. Linear in the file's length; never throws.
 */
export function parseEnvFile(file: string, text: string, lookup: Lookup = () => undefined): ParsedEnvFile {
  const entries: EnvEntry[] = [];
  const errors: ParsedEnvFile['errors'] = [];
  const own = new Map<string, string>();
  const resolve: Lookup = (name) => (own.has(name) ? own.get(name) : lookup(name));
  const budget = expansionBudget(text);
  /** interpolates a value within what is left of the budget; undefined when it ran out */
  const expand = (raw: string): string | undefined => {
    const result = interpolateString(raw, resolve, budget.remaining);
    if (result.exceeded) return undefined;
    if (raw.includes('$')) budget.remaining -= result.value.length;
    return result.value;
  };
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
    let value: string | undefined;
    let endLine = lineNo;
    let endColumn: number;
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      // quoted values may span lines: each line is searched once (a "\n" is never the quote, so an
      // escape at the end of one line changes nothing on the next), and joined once at the end
      const parts = [rest.slice(1)];
      let close = findClose(parts[0], quote);
      let lineCursor = index;
      while (close < 0 && lineCursor + 1 < lines.length) {
        lineCursor++;
        parts.push(lines[lineCursor]);
        close = findClose(lines[lineCursor], quote);
      }
      if (close < 0) {
        errors.push({ message: `unterminated quoted value for "${key}"`, span: keySpan });
        break;
      }
      const inner = [...parts.slice(0, -1), parts[parts.length - 1].slice(0, close)].join('\n');
      index = lineCursor;
      endLine = lineCursor + 1;
      endColumn = parts.length === 1 ? valueColumn + close + 2 : close + 2;
      value = quote === "'" ? inner : expand(unescape(inner));
    } else {
      const comment = rest.search(/\s#/);
      const raw = (comment < 0 ? rest : rest.slice(0, comment)).trimEnd();
      endColumn = valueColumn + raw.length;
      value = expand(raw);
    }
    const valueSpan: Span = { file, line: lineNo, column: valueColumn, endLine, endColumn };
    if (value === undefined) {
      errors.push({ message: `value of "${key}": ${expansionMessage(budget)}`, span: valueSpan });
      break;
    }
    own.set(key, value);
    entries.push({ key, value, span: keySpan, valueSpan });
  }
  return { entries, errors };
}

/** The index of the closing quote in one line of a quoted value, or -1; a backslash escapes the next character in double quotes. */
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
