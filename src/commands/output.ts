/**
 * Output files a command writes on request (`check --sarif <file> --markdown <file>`, and any
 * flag like them). Two promises:
 *   - never onto an input: inside the repository, an output may not land on a file Git
 *     tracks, a generated file, or anything under the folders synth reads or writes or the
 *     sources (checkOutputPaths, before any work is done);
 *   - all or nothing: each is written beside its target and renamed into place only when all
 *     were written; a failure (a read-only folder, a full disk) is one line, exit 2, and no
 *     output file changed (writeOutputs).
 */
import { lstatSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.ts';
import { isGeneratedFile } from '../kube/header.ts';
import { gitSucceeds } from '../toolchain/git.ts';
import { isInside } from '../config/paths.ts';
import { SYNTH_READS } from '../synth/stamp.ts';
import { describeCode } from '../synth/transaction.ts';

export interface OutputFile {
  /** The flag that asked for it, for messages: `--sarif`. */
  readonly flag: string;
  /** As given on the command line, relative to the repository root or absolute. */
  readonly path: string;
  readonly content: string;
}

/** Folders of the repository that hold its inputs, besides those synth reads and writes. */
const SOURCE_FOLDERS = ['src', 'bin', 'scripts', 'test', '.github', '.git', 'node_modules'];

/** Throws a UsageError for an output path that is an input of the repository or that two flags share. */
export function checkOutputPaths(root: string, outputs: readonly Pick<OutputFile, 'flag' | 'path'>[]): void {
  const seen = new Map<string, string>();
  for (const { flag, path } of outputs) {
    const target = realTarget(root, path, flag);
    const other = seen.get(target);
    if (other) throw new UsageError(`${flag} ${path}: ${other} writes the same file; expected a file of its own`);
    seen.set(target, flag);
    const input = inputOfRepository(root, target);
    if (input) throw new UsageError(`${flag} ${path}: expected a path that is not an input of the repository; ${input}`);
  }
}

/** Writes every output or none; a file-system failure is an InputError naming the file. */
export function writeOutputs(root: string, outputs: readonly OutputFile[]): void {
  const staged: { temp: string; target: string }[] = [];
  let current: OutputFile | undefined;
  try {
    for (const output of outputs) {
      current = output;
      const target = resolve(root, output.path);
      const temp = join(dirname(target), `.${basename(target)}.hivebox-${process.pid}.partial`);
      staged.push({ temp, target });
      writeFileSync(temp, output.content);
    }
    for (const [index, { temp, target }] of staged.entries()) {
      current = outputs[index];
      renameSync(temp, target);
    }
  } catch (error) {
    for (const { temp } of staged) rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (!code || !current) throw error;
    throw new InputError(
      current.path,
      '',
      `expected a writable path for ${current.flag} (${code}: ${describeCode(code)}); no output file was written`,
    );
  }
}

/** Where the output would land, with symbolic links in its folder resolved; its folder must exist. */
function realTarget(root: string, path: string, flag: string): string {
  const absolute = resolve(root, path);
  let folder: string;
  try {
    folder = realpathSync(dirname(absolute));
    if (!statSync(folder).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new UsageError(`${flag} ${path}: expected a file in an existing folder; ${dirname(path) || '.'} is not one`);
  }
  const target = join(folder, basename(absolute));
  if (statSync(target, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`${flag} ${path}: expected a file; it is a folder`);
  return target;
}

/** Why `target` (real, absolute) is an input of the repository at `root`, or undefined. */
function inputOfRepository(root: string, target: string): string | undefined {
  const realRoot = realpathSync(root);
  if (!isInside(realRoot, target)) return undefined;
  const rel = relative(realRoot, target).split('\\').join('/');
  if (rel === '') return 'it is the repository itself';
  const folder = [...SYNTH_READS, ...SOURCE_FOLDERS].find((top) => rel === top || rel.startsWith(`${top}/`));
  if (folder) return rel === folder ? `it is ${folder}` : `it is under ${folder}/`;
  let stat;
  try {
    stat = lstatSync(target);
  } catch {
    return undefined; // a new file
  }
  if (!stat.isFile()) return 'it is not a regular file';
  if (isGeneratedFile(readFileSync(target, 'utf8'))) return 'it is a file synth generates';
  if (isTrackedByGit(realRoot, rel)) return 'Git tracks it';
  return undefined;
}

/** False for an untracked file, or outside a Git repository. */
function isTrackedByGit(root: string, rel: string): boolean {
  return gitSucceeds(root, ['ls-files', '--error-unmatch', '--', rel]);
}
