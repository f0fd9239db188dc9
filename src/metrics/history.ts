/**
 * Reads what `metrics` needs from Git in two processes, whatever the length of the
 * history: one `git log` of the first-parent history limited to envs/ and base/
 * (committer date, message, changed paths), then one `git cat-file --batch` for the
 * env.yaml files those commits changed, to know which image each environment ran.
 */
import { parse as parseYaml } from 'yaml';
import { EnvFileSchema } from '../config/schema.ts';
import { UsageError } from '../errors.ts';
import { GitError, git as runGit, gitBytes } from '../toolchain/git.ts';

export interface Image {
  readonly tag?: string | undefined;
  readonly digest?: string | undefined;
}

export interface HistoryCommit {
  readonly sha: string;
  /** Committer date, seconds since the epoch. */
  readonly time: number;
  /** The commit a `git revert` names in its message ("This reverts commit <sha>."), if any. */
  readonly reverts?: string | undefined;
  /** Environments whose deployed configuration this commit changes (envs/<env>/ or base/). */
  readonly deploys: readonly string[];
  /** Environments whose env.yaml changed, with the image it names afterwards (undefined: no valid image, or deleted). */
  readonly images: ReadonlyMap<string, Image | undefined>;
}

export interface History {
  /** Oldest first. */
  readonly commits: readonly HistoryCommit[];
  readonly shallow: boolean;
}

const RECORD = '\x1e';
const FIELD = '\x1f';
const ENV_PATH = /^envs\/([^/]+)\/(.*)$/;
const REVERTS = /This reverts commit ([0-9a-f]{7,64})/;

export async function readHistory(root: string, environments: readonly string[]): Promise<History> {
  const shallow = (await git(root, ['rev-parse', '--is-shallow-repository'])).trim() === 'true';
  const log = await git(root, [
    'log',
    '--first-parent',
    '--reverse',
    '--no-renames',
    '--name-only',
    '--no-color',
    `--format=${RECORD}%H${FIELD}%ct${FIELD}%B${FIELD}`,
    'HEAD',
    '--',
    'envs',
    'base',
  ]);
  const known = new Set(environments);
  const parsed: { sha: string; time: number; reverts?: string; deploys: string[]; envFiles: string[] }[] = [];
  for (const record of log.split(RECORD)) {
    if (record.trim() === '') continue;
    const [sha = '', time = '', message = '', files = ''] = record.split(FIELD);
    const deploys = new Set<string>();
    const envFiles: string[] = [];
    let base = false;
    for (const file of files.split('\n')) {
      if (file === '') continue;
      if (file.startsWith('base/')) base = true;
      const match = ENV_PATH.exec(file);
      if (match && known.has(match[1]!)) {
        deploys.add(match[1]!);
        if (match[2] === 'env.yaml') envFiles.push(match[1]!);
      }
    }
    if (base) for (const env of environments) deploys.add(env);
    parsed.push({ sha, time: Number(time), reverts: REVERTS.exec(message)?.[1], deploys: [...deploys].sort(), envFiles });
  }
  const requests = parsed.flatMap((commit) => commit.envFiles.map((env) => `${commit.sha}:envs/${env}/env.yaml`));
  const contents = await catFiles(root, requests);
  let next = 0;
  const commits = parsed.map(({ envFiles, ...commit }) => {
    const images = new Map<string, Image | undefined>();
    for (const env of envFiles) images.set(env, imageOf(contents[next++]));
    return { ...commit, images };
  });
  return { commits, shallow };
}

/** The image an env.yaml names, with the schema's default when it names none; undefined when unreadable. */
export function imageOf(content: string | undefined): Image | undefined {
  if (content === undefined) return undefined;
  let image: unknown = simpleImageBlock(content);
  if (image === false) {
    try {
      image = (parseYaml(content) as { image?: unknown } | null)?.image;
    } catch {
      return undefined;
    }
  }
  const result = EnvFileSchema.shape.image.safeParse(image);
  return result.success ? { tag: result.data.tag, digest: result.data.digest } : undefined;
}

const IMAGE_KEY = /^image:[ \t]*(#.*)?$/;
const IMAGE_FIELD = /^[ \t]+(repository|tag|digest):[ \t]*(?:"([^"\\]*)"|'([^']*)'|([^\s"'#][^\s#]*))[ \t]*(#.*)?$/;
const BLANK_OR_COMMENT = /^[ \t]*(#.*)?$/;

/**
 * The image block of an env.yaml as promote writes it (a top-level `image:` with plain
 * `key: scalar` lines), read without a YAML parser: thousands of versions are read per
 * run. undefined when the file names no image; false for any other layout (flow style,
 * anchors, a multi-line scalar), which the YAML parser then reads.
 */
function simpleImageBlock(content: string): Record<string, string> | undefined | false {
  const lines = content.split('\n');
  const start = lines.findIndex((line) => /^["']?image["']?[ \t]*:/.test(line));
  if (start < 0) return /\bimage\b/.test(content.replace(/#.*$/gm, '')) ? false : undefined;
  if (!IMAGE_KEY.test(lines[start]!)) return false;
  const image: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    if (line === '' || /^[^ \t#]/.test(line)) break; // the next top-level key ends the block
    const field = IMAGE_FIELD.exec(line);
    if (field) {
      if (field[1]! in image) return false;
      image[field[1]!] = field[2] ?? field[3] ?? field[4]!;
    } else if (!BLANK_OR_COMMENT.test(line)) return false;
  }
  return image;
}

/** Git's failures as metrics' own: one line, exit 2, naming what metrics reads. */
async function inHistory<T>(root: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    const said = error.firstLine;
    throw new UsageError(
      `git ${error.args[0]} failed in ${root}${said ? `: ${said}` : ''}; metrics reads the Git history of the current branch`,
    );
  }
}

function git(root: string, args: readonly string[]): Promise<string> {
  return inHistory(root, () => runGit(root, args));
}

/** Contents of `<rev>:<path>` objects in one `git cat-file --batch`; undefined for a missing one. */
async function catFiles(root: string, requests: readonly string[]): Promise<(string | undefined)[]> {
  if (requests.length === 0) return [];
  const input = requests.map((request) => `${request}\n`).join('');
  const out = await inHistory(root, () => gitBytes(root, ['cat-file', '--batch'], { input }));
  const results: (string | undefined)[] = [];
  let at = 0;
  for (let i = 0; i < requests.length; i++) {
    const end = out.indexOf(0x0a, at);
    const header = out.subarray(at, end).toString();
    at = end + 1;
    const match = /^\S+ blob (\d+)$/.exec(header);
    if (!match) {
      results.push(undefined); // "<request> missing": the file was deleted
      continue;
    }
    const size = Number(match[1]);
    results.push(out.subarray(at, at + size).toString('utf8'));
    at += size + 1;
  }
  return results;
}

/** In a shallow clone, the committer date of the oldest first-parent commit present (its parents were cut). */
export async function shallowBoundary(root: string): Promise<number | undefined> {
  const out = await git(root, ['log', '--first-parent', '--max-parents=0', '--format=%ct', 'HEAD']);
  const times = out.split('\n').filter(Boolean).map(Number);
  return times.length > 0 ? Math.min(...times) : undefined;
}
