import { parseOptions } from '../util/args';
import { createConnection } from 'vscode-languageserver/node';
import { InputError } from '../source/diagnostic';
import { failureExit } from '../util/exit';
import { startServer } from './server';

export const LSP_HELP = `compose-netlint lsp: the language server (Language Server Protocol over stdio)

Usage:
  compose-netlint lsp [--stdio]

An editor starts it and talks JSON-RPC on its standard input and output. It lints each open Compose
file with its whole project (override files, .env, include and extends), unsaved text included, and
offers each finding's fix and a suppression comment as code actions. See "Editors" in the README.

Options:
      --stdio                talk over stdin/stdout (the only transport; editors pass it)
  -h, --help                 print this help
`;

/**
 * `compose-netlint lsp`: serves the Language Server Protocol on process stdin/stdout. The protocol library
 * ends the process: with 0 on `exit` after a `shutdown` request, 1 on `exit` without one or when stdin closes
 * (the protocol's rule), so the promise settles only for `--help` (0) and usage errors (2). Never throws.
 */
export function runLspCommand(argv: string[], io: { stdout: (text: string) => void; stderr: (text: string) => void; env: Record<string, string | undefined> }): Promise<number> {
  try {
    const { values } = parseOptions(argv, { stdio: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 'lsp --help', false);
    if (values.help) return (io.stdout(LSP_HELP), Promise.resolve(0));
  } catch (error) {
    return Promise.resolve(failureExit(new InputError((error as Error).message, 'EUSAGE'), io.stderr, false));
  }
  // given the process streams, the library also ends the process when stdin closes
  const connection = createConnection(process.stdin, process.stdout);
  startServer(connection, io.env);
  connection.listen();
  return new Promise(() => undefined);
}
