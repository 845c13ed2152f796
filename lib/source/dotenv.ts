import { quoteValue } from './diagnostic';
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

/** compose-go dotenv/parser.go locateKeyName: `_ . - [ ]` and any Unicode letter or number; spaces are skipped there and refused after */
const NAME_CHAR = /[\p{L}\p{N}_.\-[\]]/u;
/** compose-go dotenv/parser.go isSpace: a space but not a line break */
const SPACE = /[\t\v\f\r \u0085\u00a0]/;

/**
 * Parses a Compose `.env` / `env_file` file the way compose-go's dotenv (dotenv/parser.go) does:
 * `KEY=value` or `KEY: value`, optional `export` and blanks, `#` comments, a bare `KEY` inherits from
 * `lookup`; single quotes literal except `\'`, double quotes with the escapes `\a \b \f \n \r \t \v
 * \\ \" \$ \0NNN`, then `${VAR}` interpolation from `lookup` first and the file's earlier lines after
 * (dotenv/godotenv.go expandVariables: the environment wins). An invalid name, an unterminated quote,
 * a `${VAR:?msg}` whose variable is unset, or values expanding past the file's expansion budget (see
 * `expansionLimit`) is an error at that entry; compose-go stops at the first, so the file ends there.
 * Linear in the file's length; never throws.
 */
export function parseEnvFile(file: string, text: string, lookup: Lookup = () => undefined): ParsedEnvFile {
  const entries: EnvEntry[] = [];
  const errors: ParsedEnvFile['errors'] = [];
  const own = new Map<string, string>();
  const resolve: Lookup = (name) => lookup(name) ?? own.get(name);
  const budget = expansionBudget(text);
  /** interpolates a value within what is left of the budget */
  const expand = (raw: string): { value?: string; error?: string } => {
    const result = interpolateString(raw, resolve, budget.remaining);
    if (result.exceeded) return { error: expansionMessage(budget) };
    if (result.error !== undefined && !result.exceeded) return { error: result.error };
    if (raw.includes('$')) budget.remaining -= result.value.length;
    return { value: result.value };
  };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const indent = line.length - trimmed.length;
    const exported = /^export\s+/.exec(trimmed);
    const body = exported ? trimmed.slice(exported[0].length) : trimmed;
    const keyColumn = indent + (trimmed.length - body.length) + 1;
    const lineNo = index + 1;
    const at = (from: number, to: number): Span => ({ file, line: lineNo, column: keyColumn + from, endLine: lineNo, endColumn: keyColumn + to });
    let eq = -1;
    let bad = -1;
    for (let i = 0; i < body.length; i++) {
      const c = body[i];
      if (c === '=' || c === ':') {
        eq = i;
        break;
      }
      if (SPACE.test(c)) continue;
      if (!NAME_CHAR.test(c) && !(c >= '\ud800' && c <= '\udfff' && NAME_CHAR.test(body.slice(i, i + 2)))) {
        bad = i;
        break;
      }
      if (c >= '\ud800' && c <= '\udbff') i++;
    }
    const key = (eq < 0 ? body : body.slice(0, eq)).replace(/\s+$/, '');
    if (bad >= 0) {
      const char = String.fromCodePoint(body.codePointAt(bad)!);
      errors.push({ message: `unexpected character "${char}" in variable name ${quoteValue(body)}; compose-go's dotenv reads letters, digits and "_.-[]" only`, span: at(bad, bad + char.length) });
      break;
    }
    const keySpan = at(0, key.length);
    if (/\s/.test(key)) {
      errors.push({ message: `variable name ${quoteValue(key)} contains a space; Compose refuses the file. remove the space`, span: keySpan });
      break;
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
    const leading = rest.length - rest.replace(/^[\t\v\f\r \u0085\u00a0]+/, '').length;
    rest = rest.slice(leading);
    const valueColumn = keyColumn + eq + 1 + leading;
    let expanded: { value?: string; error?: string };
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
        errors.push({ message: `unterminated quoted value for ${quoteValue(key)}`, span: keySpan });
        break;
      }
      const inner = unescapeQuote([...parts.slice(0, -1), parts[parts.length - 1].slice(0, close)].join('\n'), quote);
      index = lineCursor;
      endLine = lineCursor + 1;
      endColumn = parts.length === 1 ? valueColumn + close + 2 : close + 2;
      expanded = quote === "'" ? { value: inner } : expand(expandEscapes(inner));
    } else {
      const comment = rest.indexOf(' #');
      const raw = (comment < 0 ? rest : rest.slice(0, comment)).trimEnd();
      endColumn = valueColumn + raw.length;
      expanded = expand(raw);
    }
    const valueSpan: Span = { file, line: lineNo, column: valueColumn, endLine, endColumn };
    if (expanded.value === undefined) {
      errors.push({ message: `value of ${quoteValue(key)}: ${expanded.error}`, span: valueSpan });
      break;
    }
    own.set(key, expanded.value);
    entries.push({ key, value: expanded.value, span: keySpan, valueSpan });
  }
  return { entries, errors };
}

/** The index of the closing quote in one line of a quoted value, or -1; a backslash escapes the next character in either quotes (compose-go extractVarValue). */
function findClose(text: string, quote: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

/**
 * compose-go extractVarValue: a backslash before the closing quote character keeps only the quote; any other
 * backslash stays for expandEscapes (double quotes) or as text (single quotes).
 */
function unescapeQuote(text: string, quote: string): string {
  return text.replace(/\\(.)/gs, (whole, c: string) => (c === quote ? c : whole));
}

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '"': '"', '\\': '\\', $: '$$' };

/**
 * compose-go dotenv/parser.go expandEscapes: `\a \b \f \n \r \t \v \" \\` as Go reads them, `\$` as `$$` (a literal
 * dollar for interpolation), `\0NNN` as the octal byte NNN; `\c` is in its pattern but not a Go escape, so it stays.
 */
function expandEscapes(text: string): string {
  return text.replace(/\\(?:([abcfnrtv$"\\])|0([0-9]{0,3}))/g, (whole, c: string | undefined, octal: string | undefined) => {
    if (c !== undefined) return ESCAPES[c] ?? whole;
    // Go's UnquoteChar on `\NNN` needs exactly three octal digits, at most \377
    return octal !== undefined && /^[0-7]{3}$/.test(octal) && parseInt(octal, 8) <= 0o377 ? String.fromCharCode(parseInt(octal, 8)) : whole;
  });
}
