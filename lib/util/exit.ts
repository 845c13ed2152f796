import { oneLine } from '../report/shared';
import { InputError } from '../source/diagnostic';

/** Prints a command's failure as one line (the stack only with --debug) and returns exit code 2. */
export function failureExit(error: unknown, stderr: (text: string) => void, debug: boolean): 2 {
  if (error instanceof InputError) stderr(`compose-netlint: ${oneLine(error.message)}\n`);
  else stderr(`compose-netlint: internal error: ${oneLine((error as Error).message ?? String(error))}${debug ? `\n${(error as Error).stack}` : ' (run with --debug for details)'}\n`);
  return 2;
}
