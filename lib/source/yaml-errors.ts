import type { CST, YAMLError } from 'yaml';

/** A yaml-syntax error in house style, placed by character offsets into the file's text (end exclusive). */
export interface SyntaxProblem {
  message: string;
  range: [number, number];
}

const CANNOT_LOAD = 'so Compose cannot load the file';

/** How to fix each kind of error the yaml library reports (its YAMLError codes); `undefined` gives the generic advice. */
const ADVICE: Partial<Record<YAMLError['code'], string>> = {
  TAB_AS_INDENT: 'indent with spaces',
  BAD_INDENT: 'indent the line as the other entries of its mapping or list',
  BAD_DQ_ESCAPE: 'write a backslash as "\\\\", or use single quotes, where a backslash is kept as it is',
  BAD_SCALAR_START: 'quote the value',
  BLOCK_AS_IMPLICIT_KEY: 'put the key before the list or mapping on a line of its own, ending in ":"',
  MULTILINE_IMPLICIT_KEY: 'end the key with ": " on the line it starts on, or quote a value that contains ": "',
  BLOCK_IN_FLOW: 'write the nested list or mapping in brackets too, or make the outer one a block',
  MULTIPLE_DOCS: 'start each document with a line "---"',
  UNEXPECTED_TOKEN: 'quote a value that goes on after its end, or remove the stray text',
};

/**
 * A yaml library error (`yaml` 2.x YAMLError: `code`, `message`, `pos` as offsets) as one house-style
 * message placed at the construct that caused it. The library reports an unclosed quote or bracket where
 * it gave up (often the end of the file); here it is the opening `"`, `'`, `[` or `{`, found in the
 * parser's `tokens` of the same text. Other errors keep the library's position, moved back off the
 * empty line after the file's last newline, and its wording (lowercased, the "at line …" tail removed),
 * followed by why and how to fix it.
 */
export function describeYamlError(error: Pick<YAMLError, 'code' | 'message' | 'pos'>, text: string, tokens: readonly CST.Token[]): SyntaxProblem {
  const what = lowerFirst(error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''));
  const quote = /^missing closing (["'])quote$/.exec(what)?.[1];
  if (quote) {
    const opening = lastUnclosed(tokens, error.pos[0], (t) => t.type === (quote === '"' ? 'double-quoted-scalar' : 'single-quoted-scalar') && !closes(t.source));
    if (opening !== undefined) {
      const kind = quote === '"' ? 'double' : 'single';
      const inside = quote === '"' ? 'write a " inside it as \\"' : "write a ' inside it as ''";
      return {
        message: `${kind}-quoted string is never closed; YAML reads the rest of the file into it, ${CANNOT_LOAD}. add the closing ${quote} (${inside})`,
        range: [opening, opening + 1],
      };
    }
  }
  const bracket = /end with an? ([\]}])$/.exec(what)?.[1];
  if (bracket) {
    const open = bracket === ']' ? '[' : '{';
    const opening = lastUnclosed(tokens, error.pos[0], (t) => t.type === 'flow-collection' && t.start.source === open && !t.end.some((e) => e.source === bracket));
    if (opening !== undefined) {
      const kind = bracket === ']' ? 'list' : 'mapping';
      return {
        message: `"${open}" of this ${kind} is never closed, or a line of it is indented no more than its key, ${CANNOT_LOAD}. close it with "${bracket}", indenting continued lines further than the key`,
        range: [opening, opening + 1],
      };
    }
  }
  const advice = ADVICE[error.code] ?? 'correct the YAML here';
  return { message: `${what}; the file is not valid YAML, ${CANNOT_LOAD}. ${advice}`, range: offFinalLine(error.pos, text) };
}

/** Whether a quoted scalar's source ends with its closing quote (`\"` does not close a double-quoted one, `''` is a quote inside a single-quoted one). */
function closes(source: string): boolean {
  if (source.length < 2) return false;
  const quote = source[0];
  if (source[source.length - 1] !== quote) return false;
  if (quote === '"') return (/\\*"$/.exec(source.slice(1))![0].length - 1) % 2 === 0;
  return /'*$/.exec(source.slice(1))![0].length % 2 === 1;
}

/** The offset of the last token before `before` (in document order) that `matches`, searched through every nested token. */
function lastUnclosed(tokens: readonly CST.Token[], before: number, matches: (t: CST.FlowCollection | CST.FlowScalar) => boolean): number | undefined {
  let found: number | undefined;
  const stack: unknown[] = [...tokens];
  while (stack.length) {
    const token = stack.pop() as (CST.Token & { offset: number }) | undefined;
    if (!token || typeof token !== 'object') continue;
    const candidate = token.type === 'flow-collection' || token.type === 'double-quoted-scalar' || token.type === 'single-quoted-scalar';
    if (candidate && token.offset < before && (found === undefined || token.offset > found) && matches(token)) found = token.offset;
    if ('value' in token) stack.push(token.value);
    if ('items' in token) for (const item of token.items) stack.push(item.key, item.value);
  }
  return found;
}

/** The library's range, moved back onto the file's last line when it starts past the last newline of the text. */
function offFinalLine(pos: readonly [number, number], text: string): [number, number] {
  const start = Math.min(pos[0], text.length);
  const end = Math.min(Math.max(pos[1], start), text.length);
  if (start < text.length || !text.endsWith('\n')) return [start, end];
  const last = text.replace(/\n+$/, '').length;
  return last === 0 ? [0, 0] : [last - 1, last];
}

export function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
