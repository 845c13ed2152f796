import * as fs from 'fs';
import * as path from 'path';
import type Ajv2020 from 'ajv/dist/2020';
import { ajv2020 } from '../util/ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Diagnostic, RelatedLocation } from '../source/diagnostic';
import { compareSpans, type Span } from '../source/span';
import { toPlain, type Entry, type MapNode, type Node } from '../source/tree';
import { didYouMean } from '../util/suggest';
import { loadPrecompiled, readSchemaText, type Check } from './precompiled';

/**
 * Validates a loaded project against the official Compose Specification schema
 * (`schemas/compose-spec.json`, vendored unmodified) and turns every schema error into a
 * located, readable `compose-schema` diagnostic.
 *
 * - all errors (`allErrors`), each mapped from its JSON pointer back to the located node;
 * - `oneOf`/`anyOf` failures collapse into the errors of the one branch whose type fits the
 *   value, or into a single "must be a X or a Y" when no branch fits;
 * - one error per location (the deepest);
 * - errors on or under a value not known before run time (`unknown`) are dropped;
 * - sorted by position.
 */
export function validateProject(root: MapNode): Diagnostic[] {
  const data = toPlain(root);
  if (check()(data)) return [];
  const schema = engine();
  schema.validate(data);
  const problems = mergeRequired(
    collapse(
      schema,
      (schema.validate.errors ?? []).map((e) => fromAjv(e)),
    ),
  );

  // one diagnostic per location: the deepest problem, then the most basic keyword (type before enum)
  const byLocation = new Map<string, { problem: Problem; diagnostic: Diagnostic }>();
  for (const problem of problems) {
    const located = locate(root, problem);
    if (!located) continue;
    const kept = byLocation.get(located.key);
    if (!kept || outranks(problem, kept.problem)) byLocation.set(located.key, { problem, diagnostic: located.diagnostic });
  }
  return [...byLocation.values()].map((k) => k.diagnostic).sort((a, b) => compareSpans(a.span, b.span) || a.span.endLine - b.span.endLine || a.span.endColumn - b.span.endColumn || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}

/** Keywords in the order they are worth reporting when two land on one location; unlisted ones come last. */
const KEYWORD_ORDER = ['type', 'additionalProperties', 'required', 'enum', 'const', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'uniqueItems', 'ambiguous'];

function outranks(a: Problem, b: Problem): boolean {
  if (a.path.length !== b.path.length) return a.path.length > b.path.length;
  const rank = (p: Problem): number => (KEYWORD_ORDER.includes(p.keyword) ? KEYWORD_ORDER.indexOf(p.keyword) : KEYWORD_ORDER.length);
  return rank(a) < rank(b);
}

/** All `required` keys missing from one mapping become one problem, so that none is lost to the one-per-location rule. */
function mergeRequired(problems: Problem[]): Problem[] {
  const out: Problem[] = [];
  const byPath = new Map<string, Problem>();
  for (const problem of problems) {
    if (problem.keyword !== 'required') {
      out.push(problem);
      continue;
    }
    const key = JSON.stringify(problem.path);
    const missing = String(problem.params.missingProperty);
    const seen = byPath.get(key);
    if (seen) {
      (seen.params.missing as string[]).push(missing);
      continue;
    }
    const merged = { ...problem, params: { missing: [missing] } };
    byPath.set(key, merged);
    out.push(merged);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The compiled schema: loaded from the package's `schemas/` folder, compiled once, on first use.

type Schema = Record<string, unknown>;

interface Engine {
  ajv: Ajv2020;
  root: Schema;
  validate: ValidateFunction;
  /** JSON pointer (as a URI fragment) of every subschema object, to compile a single oneOf branch */
  pointers: Map<object, string>;
  branches: Map<object, ValidateFunction>;
}

let cached: Engine | undefined;
let precompiled: Check | undefined;

function check(): Check {
  return (precompiled ??= loadPrecompiled(packageRoot()));
}

function engine(): Engine {
  if (cached) return cached;
  const root = JSON.parse(readSchemaText(packageRoot())) as Schema;
  // strict mode would only log warnings about the official schema's union types; verbose keeps
  // the failing subschema and data on each error, which the oneOf collapse needs
  const ajv = new (ajv2020())({ allErrors: true, verbose: true, strict: false, logger: false });
  const validate = ajv.compile(root);
  const pointers = new Map<object, string>();
  indexPointers(root, '', pointers);
  cached = { ajv, root, validate, pointers, branches: new Map() };
  return cached;
}

/** The directory holding package.json and schemas/ (works from lib/schema via tsx and from dist/lib/schema). */
function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'schemas', 'compose-spec.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`compose-netlint: schemas/compose-spec.json not found above ${__dirname}; the package is incomplete`);
    dir = parent;
  }
}

function indexPointers(node: unknown, pointer: string, out: Map<object, string>): void {
  if (node === null || typeof node !== 'object') return;
  out.set(node, pointer);
  const entries = Array.isArray(node) ? node.map((v, i) => [String(i), v] as const) : Object.entries(node);
  for (const [key, value] of entries) {
    indexPointers(value, `${pointer}/${encodeURIComponent(key.replace(/~/g, '~0').replace(/\//g, '~1'))}`, out);
  }
}

function branchValidator(schema: Engine, branch: object): ValidateFunction {
  let validate = schema.branches.get(branch);
  if (!validate) {
    const pointer = schema.pointers.get(branch);
    const id = typeof schema.root.$id === 'string' ? schema.root.$id : '';
    validate = pointer === undefined ? schema.ajv.compile(branch) : schema.ajv.compile({ $ref: `${id}#${pointer}` });
    schema.branches.set(branch, validate);
  }
  return validate;
}

// ---------------------------------------------------------------------------------------------
// Problems: ajv errors with the instance path split, oneOf/anyOf collapsed.

interface Problem {
  /** instance path, unescaped */
  path: string[];
  keyword: string;
  params: Record<string, unknown>;
  /** the schema object holding the keyword */
  parentSchema: Schema;
  data: unknown;
}

function fromAjv(error: ErrorObject, prefix: readonly string[] = []): Problem {
  const own =
    error.instancePath === ''
      ? []
      : error.instancePath
          .slice(1)
          .split('/')
          .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  return {
    path: [...prefix, ...own],
    keyword: error.keyword,
    params: error.params as Record<string, unknown>,
    parentSchema: (error.parentSchema ?? {}) as Schema,
    data: error.data,
  };
}

const COMPOSITE = new Set(['oneOf', 'anyOf']);

/**
 * Replaces each failed oneOf/anyOf, outermost first, and everything reported at or under it, by
 * the errors of the branch that fits the value's type (fewest errors wins), or by one type error
 * listing the allowed types when no branch fits.
 */
function collapse(schema: Engine, problems: Problem[]): Problem[] {
  const composites = problems.filter((p) => COMPOSITE.has(p.keyword)).sort((a, b) => a.path.length - b.path.length);
  let result = problems;
  const done: string[][] = [];
  for (const composite of composites) {
    if (done.some((d) => isAtOrUnder(composite.path, d))) continue;
    done.push(composite.path);
    result = result.filter((p) => !isAtOrUnder(p.path, composite.path));
    result.push(...resolveComposite(schema, composite));
  }
  return result;
}

function resolveComposite(schema: Engine, composite: Problem): Problem[] {
  const branches = (composite.parentSchema[composite.keyword] ?? []) as Schema[];
  if (Array.isArray(composite.params.passingSchemas)) return [{ ...composite, keyword: 'ambiguous' }];
  const fitting = branches.filter((b) => fitsType(typesOf(schema.root, b), composite.data));
  if (fitting.length === 0) {
    const types = new Set<string>();
    for (const b of branches) for (const t of typesOf(schema.root, b) ?? []) types.add(t);
    return [{ ...composite, keyword: 'type', params: { type: [...types] } }];
  }
  let best: Problem[] | undefined;
  for (const branch of fitting) {
    const validate = branchValidator(schema, branch);
    if (validate(composite.data)) continue;
    const errors = collapse(
      schema,
      (validate.errors ?? []).map((e) => fromAjv(e, composite.path)),
    );
    if (!best || errors.length < best.length) best = errors;
  }
  return best ?? [{ ...composite, keyword: 'ambiguous' }];
}

/** The JSON types a subschema accepts, following a leading $ref and nested oneOf/anyOf; undefined for any. */
function typesOf(root: Schema, schema: Schema, depth = 0): string[] | undefined {
  if (depth > 20) return undefined;
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type as string[];
  if (typeof schema.$ref === 'string' && schema.$ref.startsWith('#/')) {
    const target = resolvePointer(root, schema.$ref.slice(1));
    return target ? typesOf(root, target, depth + 1) : undefined;
  }
  for (const keyword of COMPOSITE) {
    const branches = schema[keyword];
    if (!Array.isArray(branches)) continue;
    const types = new Set<string>();
    for (const b of branches as Schema[]) {
      const t = typesOf(root, b, depth + 1);
      if (!t) return undefined;
      t.forEach((x) => types.add(x));
    }
    return [...types];
  }
  return undefined;
}

function resolvePointer(root: Schema, pointer: string): Schema | undefined {
  let current: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current !== null && typeof current === 'object' ? (current as Schema) : undefined;
}

function fitsType(types: string[] | undefined, value: unknown): boolean {
  if (!types) return true;
  return types.some((t) => {
    switch (t) {
      case 'object':
        return value !== null && typeof value === 'object' && !Array.isArray(value);
      case 'array':
        return Array.isArray(value);
      case 'integer':
        return Number.isInteger(value);
      case 'null':
        return value === null;
      default:
        return typeof value === t;
    }
  });
}

function isAtOrUnder(p: readonly string[], base: readonly string[]): boolean {
  return p.length >= base.length && base.every((s, i) => p[i] === s);
}

// ---------------------------------------------------------------------------------------------
// From a problem to a diagnostic: find the node, blame the key or the value, write the message.

type Step = { kind: 'key'; key: string; entry: Entry } | { kind: 'index'; index: number };

interface Location {
  node: Node;
  /** how the node was reached from the root */
  steps: Step[];
  /** the root and every node down to `node` */
  chain: Node[];
}

function resolve(root: Node, pathSegments: readonly string[]): Location {
  let node = root;
  const steps: Step[] = [];
  const chain: Node[] = [root];
  for (const segment of pathSegments) {
    if (node.kind === 'map' && node.entries.has(segment)) {
      const entry = node.entries.get(segment) as Entry;
      steps.push({ kind: 'key', key: segment, entry });
      node = entry.value;
    } else if (node.kind === 'seq' && /^\d+$/.test(segment) && Number(segment) < node.items.length) {
      steps.push({ kind: 'index', index: Number(segment) });
      node = node.items[Number(segment)];
    } else {
      break; // cannot happen for an instance made by toPlain; stay on the deepest node found
    }
    chain.push(node);
  }
  return { node, steps, chain };
}

function isUnknown(node: Node): boolean {
  return node.kind === 'scalar' && node.unknown === true;
}

function containsUnknown(node: Node): boolean {
  switch (node.kind) {
    case 'scalar':
      return isUnknown(node);
    case 'seq':
      return node.items.some(containsUnknown);
    case 'map':
      return [...node.entries.values()].some((e) => containsUnknown(e.value));
  }
}

/** A place to blame: primary span, and where the text really is when an alias or merge key brought it in. */
interface Blame {
  span: Span;
  origin?: Span;
}

/** The value itself when it is a scalar; the key when it is the value of an entry; otherwise its first line. */
function blameValue(location: Location): Blame {
  const { node, steps } = location;
  const last = steps[steps.length - 1];
  if (node.kind === 'scalar') return withOrigin(node.span, node.origin);
  if (last?.kind === 'key') return withOrigin(last.entry.keySpan, last.entry.keyOrigin);
  return head(node);
}

/** The first line of a block: the node when it fits on one line, else its first key or item. */
function head(node: Node): Blame {
  if (node.kind === 'scalar' || node.span.line === node.span.endLine) return withOrigin(node.span, node.origin);
  if (node.kind === 'map' && node.entries.size > 0) {
    const first = [...node.entries.values()].sort((a, b) => compareSpans(a.keySpan, b.keySpan))[0];
    return withOrigin(first.keySpan, first.keyOrigin);
  }
  if (node.kind === 'seq' && node.items.length > 0) return head(node.items[0]);
  return withOrigin(node.span, node.origin);
}

function withOrigin(span: Span, origin: Span | undefined): Blame {
  return origin ? { span, origin } : { span };
}

function locate(root: Node, problem: Problem): { diagnostic: Diagnostic; key: string } | undefined {
  const location = resolve(root, problem.path);
  if (location.chain.some(isUnknown)) return undefined;
  const thing = describe(location.steps);
  let blame: Blame;
  let message: string;
  let tail = '';
  const related: RelatedLocation[] = [];

  switch (problem.keyword) {
    case 'additionalProperties': {
      const key = String(problem.params.additionalProperty);
      const entry = location.node.kind === 'map' ? location.node.entries.get(key) : undefined;
      blame = entry ? withOrigin(entry.keySpan, entry.keyOrigin) : blameValue(location);
      ({ message, tail } = unknownKey(key, location.steps, problem.parentSchema));
      break;
    }
    case 'uniqueItems': {
      const seq = location.node;
      const first = Math.min(Number(problem.params.i), Number(problem.params.j));
      const second = Math.max(Number(problem.params.i), Number(problem.params.j));
      if (seq.kind !== 'seq' || !seq.items[first] || !seq.items[second]) return undefined;
      if (containsUnknown(seq.items[first]) || containsUnknown(seq.items[second])) return undefined;
      const item = seq.items[second];
      blame = head(item);
      const earlier = head(seq.items[first]).span;
      const where = earlier.line === blame.span.line ? `column ${earlier.column}` : `line ${earlier.line}`;
      message = `duplicate item${item.kind === 'scalar' ? ` ${quote(item.value)}` : ''} in ${thing} (also at ${where})`;
      related.push({ message: 'first listed here', span: earlier });
      break;
    }
    case 'type':
      blame = blameValue(location);
      message = `${thing} must be ${typeList(problem.params.type)}, not ${typeOfValue(problem.data)}`;
      break;
    case 'required': {
      blame = blameValue(location);
      const missing = [...new Set(problem.params.missing as string[])].sort().map((k) => `"${k}"`);
      message = `${thing} is missing the required ${missing.length === 1 ? 'key' : 'keys'} ${joinWith(missing, 'and')}`;
      break;
    }
    case 'enum': {
      if (containsUnknown(location.node)) return undefined;
      blame = blameValue(location);
      const allowed = ((problem.params.allowedValues ?? []) as unknown[]).map((v) => quote(v)).sort();
      message = `${thing} must be ${allowed.length === 1 ? allowed[0] : `one of ${joinWith(allowed, 'or')}`}, not ${quote(problem.data)}`;
      if (typeof problem.data === 'string') {
        tail = didYouMean(
          problem.data,
          ((problem.params.allowedValues ?? []) as unknown[]).filter((v): v is string => typeof v === 'string'),
        );
      }
      break;
    }
    case 'const':
      if (containsUnknown(location.node)) return undefined;
      blame = blameValue(location);
      message = `${thing} must be ${quote(problem.params.allowedValue)}, not ${quote(problem.data)}`;
      break;
    case 'pattern':
      blame = blameValue(location);
      message = `${thing} must match the pattern "${String(problem.params.pattern)}", not ${quote(problem.data)}`;
      break;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      blame = blameValue(location);
      const bound = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'greater than', exclusiveMaximum: 'less than' }[problem.keyword];
      message = `${thing} must be ${bound} ${String(problem.params.limit)}, not ${String(problem.data)}`;
      break;
    }
    case 'ambiguous':
      if (containsUnknown(location.node)) return undefined;
      blame = blameValue(location);
      message = `${thing} matches more than one of the allowed forms`;
      break;
    default: {
      // keywords the vendored schema does not use today: name the keyword and its parameters
      if (containsUnknown(location.node)) return undefined;
      blame = blameValue(location);
      message = `${thing} ${ajvMessage(problem)}`;
    }
  }

  if (blame.origin) {
    message += ` (from the anchor at line ${blame.origin.line})`;
    related.unshift({ message: 'written here, in the anchor', span: blame.origin });
  }
  const diagnostic: Diagnostic = { ruleId: 'compose-schema', severity: 'error', message: message + tail, span: blame.span };
  if (related.length > 0) diagnostic.related = related;
  return { diagnostic, key: [blame.span, blame.origin].map(spanKey).join('@') };
}

function spanKey(s: Span | undefined): string {
  return s ? `${s.file}:${s.line}:${s.column}:${s.endLine}:${s.endColumn}` : '';
}

// ---------------------------------------------------------------------------------------------
// Wording

const KINDS: Record<string, string> = {
  services: 'service',
  networks: 'network',
  volumes: 'volume',
  secrets: 'secret',
  configs: 'config',
  models: 'model',
};

const NAME_PATTERN = '^[a-zA-Z0-9._-]+$';
const NAME_RULE = 'use only letters, digits, ".", "_" and "-"';

/** `service "web"`, `"ports" of service "web"`, `"ipam.config[0].subnet" of network "front"`, `"include[0]"`, `the top level`. */
function describe(steps: readonly Step[]): string {
  if (steps.length === 0) return 'the top level';
  const [first, second] = steps;
  if (first.kind === 'key' && KINDS[first.key] && second?.kind === 'key') {
    const owner = `${KINDS[first.key]} ${q(second.key)}`;
    return steps.length === 2 ? owner : `${q(dotted(steps.slice(2)))} of ${owner}`;
  }
  return q(dotted(steps));
}

function dotted(steps: readonly Step[]): string {
  let out = '';
  for (const step of steps) out += step.kind === 'index' ? `[${step.index}]` : out === '' ? step.key : `.${step.key}`;
  return out;
}

function unknownKey(key: string, steps: readonly Step[], parent: Schema): { message: string; tail: string } {
  const known = Object.keys((parent.properties ?? {}) as Schema).sort();
  const patterns = Object.keys((parent.patternProperties ?? {}) as Schema).filter((p) => p !== '^x-');
  if (known.length === 0 && patterns.length > 0) {
    const rule =
      patterns.length === 1 && patterns[0] === NAME_PATTERN
        ? NAME_RULE
        : `keys must match ${joinWith(
            patterns.map((p) => `"${p}"`),
            'or',
          )}`;
    const container = steps.length === 1 && steps[0].kind === 'key' ? KINDS[steps[0].key] : undefined;
    if (container) return { message: `invalid ${container} name ${q(key)}: ${rule}`, tail: '' };
    return { message: `invalid key ${q(key)} in ${describe(steps)}: ${rule}`, tail: '' };
  }
  const message = steps.length === 0 ? `unknown top-level key ${q(key)}` : `unknown key ${q(key)} in ${describe(steps)}`;
  let tail = didYouMean(key, known);
  if (tail === '' && known.length > 0 && known.length <= 10)
    tail = `; expected ${joinWith(
      known.map((k) => `"${k}"`),
      'or',
    )}`;
  return { message, tail };
}

const NOUNS: Record<string, string> = {
  array: 'a list',
  boolean: 'a boolean',
  integer: 'an integer',
  null: 'null',
  number: 'a number',
  object: 'a mapping',
  string: 'a string',
};

function typeList(type: unknown): string {
  let types = (Array.isArray(type) ? type : [type]).map(String);
  if (types.includes('number')) types = types.filter((t) => t !== 'integer');
  const nouns = [...new Set(types.map((t) => NOUNS[t] ?? t))].sort((a, b) => noun(a).localeCompare(noun(b)));
  return joinWith(nouns, 'or');
}

function noun(phrase: string): string {
  return phrase.replace(/^an? /, '');
}

function typeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return 'a number';
  return NOUNS[typeof value] ?? typeof value;
}

function joinWith(items: readonly string[], word: 'or' | 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1]}`;
}

/** The user's text in double quotes, escaped so that the message stays on one line. */
function q(text: string): string {
  return JSON.stringify(text);
}

/** A user's value as the message shows it: strings quoted (long ones shortened), other scalars as YAML writes them. */
function quote(value: unknown): string {
  if (typeof value === 'string') return q(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'a list' : 'a mapping';
}

function ajvMessage(problem: Problem): string {
  const params = Object.entries(problem.params)
    .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
    .join(', ');
  return `fails the schema keyword "${problem.keyword}"${params ? ` (${params})` : ''}`;
}
