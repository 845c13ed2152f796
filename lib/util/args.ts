import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closest } from './suggest';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What parseOptions returns: node:util parseArgs' result for options `T`. */
export type ParsedOptions<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>;

/**
 * node:util parseArgs with `strict` and positionals allowed, its errors rewritten in house style: a
 * one-line, lowercase message that names the option, says what is wrong with it, and ends with
 * `see <help>` (`help` is the command's help, e.g. `--help`, `probe --help`). An unknown option gets
 * a "did you mean" among `options` when one is near. Throws `Error` with that message; callers wrap it
 * in their own usage error (exit 2).
 */
export function parseOptions<T extends Options>(args: string[], options: T, help: string, positionals = true): ParsedOptions<T> {
  try {
    return parseArgs({ args, options, allowPositionals: positionals, strict: true }) as ParsedOptions<T>;
  } catch (error) {
    const message = optionMessage(error as NodeJS.ErrnoException, options);
    throw new Error(`${message}${message.endsWith('?') ? ' ' : '; '}see ${help}`, { cause: error });
  }
}

/** The house-style text of one parseArgs error (Node 20's codes ERR_PARSE_ARGS_*; its English texts quote the option in '…'). */
function optionMessage(error: NodeJS.ErrnoException, options: Options): string {
  const text = error.message.split('\n')[0];
  // "Unknown option '--x'", "Option '-F, --format <value>' argument missing": the long name when there is one
  const quoted = /'([^']*)'/.exec(text)?.[1] ?? '';
  const name = /--[\w-]+/.exec(quoted)?.[0] ?? quoted.split(/[ ,]/)[0];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const names = Object.entries(options).flatMap(([long, o]) => [`--${long}`, ...(o.short ? [`-${o.short}`] : [])]);
      const near = name.startsWith('--') ? closest(name, names) : undefined;
      return `unknown option "${name}"${near ? `. did you mean "${near}"?` : ''}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take an argument/.test(text) ? `option "${name}" takes no value` : `option "${name}" needs a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${name}": this command takes no paths`;
    default:
      return text.charAt(0).toLowerCase() + text.slice(1).replace(/\. To specify .*$/, '');
  }
}
