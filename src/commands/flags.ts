/**
 * Flag parsing shared by every command: node's parseArgs, strict, no
 * positionals, --help/-h added; a mistake is a UsageError (exit 2) that points
 * at the command's help.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP = { help: { type: 'boolean', short: 'h', default: false } } as const;

export function parseFlags<const T extends Options>(command: string, args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options: { ...options, ...HELP }, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; see hivebox-gitops ${command} --help`);
  }
}
