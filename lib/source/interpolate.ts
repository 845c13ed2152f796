import { quoteValue, shorten, type Diagnostic } from './diagnostic';
import { spanText } from './span';
import type { Node, ScalarNode } from './tree';
import { PathTable } from './paths';

/** The value of an environment variable, or undefined when it is unset. */
export type Lookup = (name: string) => string | undefined;

export interface Interpolated {
  value: string;
  /** a variable the value depends on is unset and has no default: Compose would use "" (and warn) */
  unknown: boolean;
  /** why Compose would refuse to load this string; `value` is then only a best effort and `unknown` is true */
  error?: string;
  /** the value would have been longer than the caller's limit: interpolation stopped, `value` is "" and `error` says so */
  exceeded?: boolean;
}

/*
 * A port of compose-go's `template` package (template.go, v2): the same pattern, the same
 * splitting at the first balanced "}", the same operators. The pattern is compose-go's
 * DefaultPattern; Go's "." (anything but "\n") is written `[^\n]`.
 *
 *   $$            escaped: a literal "$"
 *   $NAME         named
 *   ${NAME...}    braced, with an optional operator and argument running to the last "}" of the line
 *   ${            anything else after "${" is an invalid template
 *
 * A "$" followed by anything else ("$1", "$ ", "$}", a trailing "$") is not matched and stays as is.
 */
const NAME = '[_a-z][_a-z0-9]*';
const PATTERN = `\\$(?:(?<escaped>\\$)|(?<named>${NAME})|\\{(?:(?<braced>${NAME}(?::?[-+?][^\\n]*)?)\\}|(?<invalid>)))`;
const AT_START = new RegExp(`^${PATTERN}`, 'i');
const NAME_AT_START = new RegExp(`^${NAME}`, 'i');
/** Two-character operators first, so ":-" is not read as ":" followed by "-". */
const OPERATORS = [':?', ':-', ':+', '?', '-', '+'] as const;
/** Not a Compose limit: a guard so that absurd nesting cannot overflow the stack. */
const MAX_NESTING = 100;

/**
 * Not a Compose limit: a guard against a few bytes of `V2=${V1}${V1}` lines expanding to gigabytes.
 * Interpolating one file (a Compose file or an env file) may produce at most this many characters
 * in all: 16 times the file's own length, and at least 1 MiB.
 */
export function expansionLimit(fileLength: number): number {
  return Math.max(1 << 20, 16 * fileLength);
}

/** What interpolating one file may still produce, in characters; shared by the calls for that file. */
export interface ExpansionBudget {
  readonly limit: number;
  remaining: number;
}

export function expansionBudget(fileText: string): ExpansionBudget {
  const limit = expansionLimit(fileText.length);
  return { limit, remaining: limit };
}

/** The one-line message for a file whose interpolation ran past its budget. */
export function expansionMessage(budget: ExpansionBudget): string {
  return `variables expand to more than ${budget.limit} characters (16 times the file, at least 1 MiB: a doubling bomb?); the file was not read further. use fewer or smaller variables`;
}

interface State {
  text: string;
  lookup: Lookup;
  unknown: boolean;
  error?: string;
  depth: number;
  /** the longest result allowed */
  limit: number;
  exceeded: boolean;
}

/**
 * Interpolates one string exactly like compose-go's template package. Never throws. `limit` bounds the
 * result's length in characters: past it, interpolation stops and the result is marked `exceeded`.
 * Linear in the text's length (times the nesting depth of its expressions, at most MAX_NESTING).
 */
export function interpolateString(text: string, lookup: Lookup, limit = Infinity): Interpolated {
  if (!text.includes('$')) return { value: text, unknown: false };
  const state: State = { text, lookup, unknown: false, depth: 0, limit, exceeded: false };
  const value = substitute(text, state);
  if (state.exceeded) return { value: '', unknown: true, error: `interpolation gives more than ${limit} characters`, exceeded: true };
  return state.error === undefined ? { value, unknown: state.unknown } : { value, unknown: true, error: state.error };
}

/**
 * compose-go replaces every match with `value + Substitute(rest)`, where `rest` is what the
 * greedy match took past the first balanced "}". Scanning on from the end of `head` in the
 * same string is equivalent (no "}" lies past the greedy match on its line) and needs no recursion.
 */
function substitute(template: string, state: State): string {
  if (++state.depth > MAX_NESTING) {
    fail(state, () => `interpolation in ${quoteValue(state.text)} nests more than ${MAX_NESTING} levels deep; simplify the expression`);
    return '';
  }
  const closes = lastCloseOnLine(template);
  let out = '';
  let done = 0;
  for (let i = template.indexOf('$'); i >= 0; i = template.indexOf('$', i)) {
    const length = matchLength(template, i, closes);
    if (length === 0) {
      i++;
      continue;
    }
    const head = template.slice(i, i + headLength(template.slice(i, i + length)));
    out += template.slice(done, i) + replace(head, state);
    if (state.exceeded || out.length > state.limit) {
      state.exceeded = true;
      break;
    }
    done = i = i + head.length;
  }
  state.depth--;
  return state.exceeded ? '' : out + template.slice(done);
}

/**
 * The last "}" at or after `from` on `from`'s line (-1 when there is none), for ascending `from`:
 * what `[^\n]*\}` reaches. Each line is searched once, backwards from its end down to the first `from`
 * asked on it, so a template costs one pass however many expressions it holds.
 */
function lastCloseOnLine(template: string): (from: number) => number {
  let lineEnd = -1;
  let close = -1;
  return (from) => {
    if (from > lineEnd) {
      lineEnd = template.indexOf('\n', from);
      if (lineEnd < 0) lineEnd = template.length;
      close = -1;
      for (let k = lineEnd - 1; k >= from; k--) {
        if (template[k] === '}') {
          close = k;
          break;
        }
      }
    }
    return close >= from ? close : -1;
  };
}

const isNameStart = (c: string | undefined): boolean => c !== undefined && /[_a-z]/i.test(c);
const isNameChar = (c: string | undefined): boolean => c !== undefined && /[_a-z0-9]/i.test(c);

/** The length of PATTERN's match at `template[at]` (a "$"), or 0 when it does not match there. */
function matchLength(template: string, at: number, lastClose: (from: number) => number): number {
  const next = template[at + 1];
  if (next === '$') return 2;
  if (next !== '{') {
    let end = at + 1;
    if (!isNameStart(template[end])) return 0;
    while (isNameChar(template[end])) end++;
    return end - at;
  }
  // "${": a braced name, with an operator whose argument runs to the line's last "}", or else invalid
  let k = at + 2;
  if (isNameStart(template[k])) {
    while (isNameChar(template[k])) k++;
    if (template[k] === '}') return k + 1 - at;
    if (template[k] === ':') k++;
    if ('-+?'.includes(template[k] ?? 'x')) {
      const close = lastClose(k + 1);
      if (close >= 0) return close + 1 - at;
    }
  }
  return 2;
}

/** compose-go's getFirstBraceClosingIndex: counts "{" (skipping the character after it) against "}". */
function headLength(match: string): number {
  let open = 0;
  for (let i = 0; i < match.length; i++) {
    if (match[i] === '}' && --open === 0) return i + 1;
    if (match[i] === '{') {
      open++;
      i++;
    }
  }
  return match.length;
}

function replace(head: string, state: State): string {
  const groups = AT_START.exec(head)?.groups ?? {};
  if (groups.escaped !== undefined) return '$';
  if (groups.named !== undefined) return variable(groups.named, state);
  const braced = groups.braced;
  if (braced === undefined) {
    fail(state, () => `invalid interpolation format in ${quoteValue(state.text)}; Compose cannot load the file. ` + 'write a variable as "${NAME}" or "${NAME:-default}", or "$$" for a literal "$"');
    return '';
  }
  const name = NAME_AT_START.exec(braced)?.[0] ?? braced;
  const operator = OPERATORS.find((op) => braced.startsWith(op, name.length));
  if (operator === undefined) return variable(name, state);
  return apply(operator, name, braced.slice(name.length + operator.length), state);
}

/** A bare reference: Compose warns and uses "" when the variable is unset. */
function variable(name: string, state: State): string {
  const value = state.lookup(name);
  if (value === undefined) state.unknown = true;
  return value ?? '';
}

/** The argument (default, alternative or message) is only interpolated when it is used. */
function apply(operator: (typeof OPERATORS)[number], name: string, argument: string, state: State): string {
  const value = state.lookup(name);
  // with a leading ":" an empty value counts as unset
  const present = value !== undefined && (value !== '' || !operator.startsWith(':')) ? value : undefined;
  switch (operator.slice(-1)) {
    case '-':
      return present ?? substitute(argument, state);
    case '+':
      return present !== undefined ? substitute(argument, state) : (value ?? '');
    default: {
      if (present !== undefined) return present;
      const reason = oneLine(substitute(argument, state));
      fail(state, () => `required variable ${quoteValue(name)} is missing a value${reason ? `: ${shorten(reason)}` : ''}`);
      return '';
    }
  }
}

/** Keeps the first error, as compose-go does; later messages are not even built (they may quote the whole text). */
function fail(state: State, message: () => string): void {
  state.error ??= message();
}

/** The user's message, made fit for a one-line diagnostic without a trailing period. */
function oneLine(text: string): string {
  // split and trim, not /\s*\n\s*/ nor /\.+$/: those retry at every character of a long run of blanks or dots
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ')
    .replace(/(?<!\.)\.+$/, '');
}

type Cast = (text: string) => number | boolean | undefined;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.Atoi / ParseInt(text, 10, 64) */
const toInt: Cast = (text) => {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const n = BigInt(text);
  return n < INT64_MIN || n > INT64_MAX ? undefined : Number(n);
};

/** strconv.ParseFloat, decimal forms only */
const toFloat: Cast = (text) => {
  if (!/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
};

/** compose-go's toBoolean: YAML 1.1 words are still accepted (with a warning from Compose) */
const toBoolean: Cast = (text) => {
  switch (text.toLowerCase()) {
    case 'true':
    case 'y':
    case 'yes':
    case 'on':
      return true;
    case 'false':
    case 'n':
    case 'no':
    case 'off':
      return false;
    default:
      return undefined;
  }
};

/**
 * compose-go v2 loader/interpolate.go `interpolateTypeCastMapping`: the paths whose string values
 * are cast after interpolation. "*" matches any one key, "[]" any list item. `ports.[].published`
 * is not cast (it may be a range such as "8000-8010").
 */
const TYPE_CASTS: readonly (readonly [string, Cast])[] = [
  ['services.*.configs.[].mode', toInt],
  ['services.*.cpu_count', toInt],
  ['services.*.cpu_percent', toFloat],
  ['services.*.cpu_period', toInt],
  ['services.*.cpu_quota', toInt],
  ['services.*.cpu_rt_period', toInt],
  ['services.*.cpu_rt_runtime', toInt],
  ['services.*.cpus', toFloat],
  ['services.*.cpu_shares', toInt],
  ['services.*.init', toBoolean],
  ['services.*.deploy.replicas', toInt],
  ['services.*.deploy.update_config.parallelism', toInt],
  ['services.*.deploy.update_config.max_failure_ratio', toFloat],
  ['services.*.deploy.rollback_config.parallelism', toInt],
  ['services.*.deploy.rollback_config.max_failure_ratio', toFloat],
  ['services.*.deploy.restart_policy.max_attempts', toInt],
  ['services.*.deploy.placement.max_replicas_per_node', toInt],
  ['services.*.healthcheck.retries', toInt],
  ['services.*.healthcheck.disable', toBoolean],
  ['services.*.oom_kill_disable', toBoolean],
  ['services.*.oom_score_adj', toInt],
  ['services.*.pids_limit', toInt],
  ['services.*.ports.[].target', toInt],
  ['services.*.privileged', toBoolean],
  ['services.*.read_only', toBoolean],
  ['services.*.scale', toInt],
  ['services.*.secrets.[].mode', toInt],
  ['services.*.stdin_open', toBoolean],
  ['services.*.tty', toBoolean],
  ['services.*.ulimits.*', toInt],
  ['services.*.ulimits.*.hard', toInt],
  ['services.*.ulimits.*.soft', toInt],
  ['services.*.volumes.[].read_only', toBoolean],
  ['services.*.volumes.[].volume.nocopy', toBoolean],
  ['networks.*.external', toBoolean],
  ['networks.*.internal', toBoolean],
  ['networks.*.attachable', toBoolean],
  ['networks.*.enable_ipv6', toBoolean],
  ['volumes.*.external', toBoolean],
  ['secrets.*.external', toBoolean],
  ['configs.*.external', toBoolean],
];
const CASTS = PathTable.of(TYPE_CASTS);

/**
 * Interpolates every string scalar value of a located tree in place (map keys are left alone),
 * then casts strings at compose-go's typed paths to numbers or booleans when they parse.
 * An interpolation error becomes a 'compose-load' diagnostic at the scalar, reported once per
 * source text (an anchored value used many times is reported once); such a scalar keeps its
 * text and is marked unknown. `budget` bounds what the whole file may expand to: past it, the
 * scalar where it ran out gets a 'compose-load' error, the walk stops and false is returned (the
 * caller should drop the file). Never throws.
 */
export function interpolateTree(root: Node, lookup: Lookup, diagnostics: Diagnostic[], budget?: ExpansionBudget): boolean {
  const visited = new WeakSet<ScalarNode>();
  const reported = new Set<string>();
  let stopped = false;

  const report = (node: ScalarNode, message: string): void => {
    const source = node.origin ?? node.span;
    const key = `${spanText(source)}-${source.endLine}:${source.endColumn} ${message}`;
    if (reported.has(key)) return;
    reported.add(key);
    const diagnostic: Diagnostic = { ruleId: 'compose-load', severity: 'error', message, span: node.span };
    if (node.origin) diagnostic.related = [{ message: 'the value comes from this anchor', span: node.origin }];
    diagnostics.push(diagnostic);
  };

  /** `casts`: where the node's path leads in the table of typed paths */
  const visit = (node: Node, casts: PathTable<Cast> | undefined): void => {
    if (stopped) return;
    if (node.kind === 'map') for (const e of node.entries.values()) visit(e.value, casts?.next(e.key));
    else if (node.kind === 'seq') for (const item of node.items) visit(item, casts?.next('[]'));
    else if (typeof node.value === 'string') {
      // interpolating a node twice would re-read a "$" that "$$" produced; text without "$" is left as it is
      if (node.value.includes('$')) {
        if (visited.has(node)) return;
        visited.add(node);
      }
      interpolateScalar(node, node.value, casts?.value);
    }
  };

  const interpolateScalar = (node: ScalarNode, text: string, castTo: Cast | undefined): void => {
    const result = interpolateString(text, lookup, budget?.remaining);
    if (result.exceeded && budget) {
      stopped = true;
      report(node, expansionMessage(budget));
      node.unknown = true;
      return;
    }
    if (budget && text.includes('$')) budget.remaining -= result.value.length;
    if (result.error !== undefined) {
      report(node, result.error);
      node.unknown = true;
      return;
    }
    if (result.value !== text) {
      node.raw = text;
      node.value = result.value;
    }
    if (result.unknown) {
      node.unknown = true;
      return;
    }
    const cast = castTo?.(result.value);
    if (cast !== undefined) node.value = cast;
  };

  visit(root, CASTS);
  return !stopped;
}
