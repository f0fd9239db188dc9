/**
 * `npm run bench`: what the pull-request check costs next to the kustomize renders
 * it cannot avoid. One table, on this repository's environments and on a generated
 * large input, all measured in this run:
 *
 * - each step is the CLI as CI runs it (`node bin/hivebox-gitops.js ...`, a new
 *   process each time, so Node and tsx start-up are included);
 * - the floor is the bare `kubectl kustomize` runs the step needs (validate: one per
 *   environment; diff: two, base and head), run with the same parallelism diff uses;
 *   synth --check renders no overlay, so it has no floor of its own;
 * - the PR check is synth --check + validate + diff; target: within 3x its floor.
 *   It is measured twice: as three processes, and as CI runs it, `check` (one
 *   process, one render of each working-tree overlay shared by validate and diff).
 *   diff renders an overlay whose inputs are byte-identical on both sides only once,
 *   so on a change that touches one environment it can beat its (naive) floor.
 *
 * Each input is a temporary Git repository holding copies of the env.yaml files and
 * charts/, synthesized and committed, then given an image change to diff.
 * BENCH_REPEAT (default 3) runs per cell, the median is shown; BENCH_LARGE (default 50)
 * environments in the large input. A last row times `metrics` on a generated history of
 * BENCH_HISTORY (default 10,000) first-parent commits (target: under 3 s, start-up included).
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { defaultConcurrency } from '../../src/diff/render.ts';
import { synthesize } from '../../src/synth/index.ts';
import { kubectlPath, kustomizeBuild } from '../../src/toolchain/kubectl.ts';
import { HISTORY_START, makeHistory } from './metrics-history.ts';

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '..', '..');
const CLI = join(REPO, 'bin', 'hivebox-gitops.js');
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const LARGE = Number(process.env.BENCH_LARGE ?? 50);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 10_000);
const TARGET_RATIO = 3;

interface Input {
  readonly label: string;
  readonly root: string;
  readonly envs: readonly string[];
}

interface Row {
  readonly input: string;
  readonly step: string;
  readonly ms?: number;
  readonly floorMs?: number;
  readonly note?: string;
}

function git(root: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=bench@example.com', '-c', 'user.name=bench', '-c', 'commit.gpgsign=false', ...args], {
    cwd: root,
    stdio: 'ignore',
  });
}

/** A temporary repository with the given env.yaml files, synthesized and committed. */
async function makeInput(label: string, envFiles: ReadonlyMap<string, string>): Promise<Input> {
  const root = mkdtempSync(join(tmpdir(), 'hivebox-bench-'));
  git(root, 'init', '-q', '-b', 'main');
  cpSync(join(REPO, 'package.json'), join(root, 'package.json'));
  if (existsSync(join(REPO, 'charts'))) cpSync(join(REPO, 'charts'), join(root, 'charts'), { recursive: true });
  for (const [name, content] of envFiles) {
    mkdirSync(join(root, 'envs', name), { recursive: true });
    writeFileSync(join(root, 'envs', name, 'env.yaml'), content);
  }
  await synthesize(root, { check: false });
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'synthesized');
  // The change under review: a new image tag in the first environment that promotes from another.
  const target = [...envFiles.keys()].find((name) => /promotesFrom:/.test(envFiles.get(name)!)) ?? [...envFiles.keys()][0]!;
  const file = join(root, 'envs', target, 'env.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^( +tag: )\S+$/m, '$1v0.7.0'));
  await synthesize(root, { check: false });
  return { label, root, envs: [...envFiles.keys()].sort() };
}

function repositoryEnvFiles(): Map<string, string> {
  const envs = readdirSync(join(REPO, 'envs'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(REPO, 'envs', entry.name, 'env.yaml')))
    .map((entry) => entry.name)
    .sort();
  return new Map(envs.map((name) => [name, readFileSync(join(REPO, 'envs', name, 'env.yaml'), 'utf8')]));
}

/** `count` environments cloned from the repository's, each with its own host and namespace. */
function largeEnvFiles(count: number): Map<string, string> {
  const templates = [...repositoryEnvFiles().values()];
  const files = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const name = `env${String(i).padStart(2, '0')}`;
    const content = templates[i % templates.length]!
      .replace(/^promotesFrom: .*$/m, i === 0 ? '' : `promotesFrom: env${String(i - 1).padStart(2, '0')}`)
      .replace(/^(\s+host: ).*$/m, `$1${name}.hivebox.example.com`);
    files.set(name, content);
  }
  return files;
}

async function time(action: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const start = performance.now();
    await action();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/** The CLI as CI runs it; exit 1 (findings, differences) is an answer, not a failure. */
async function cli(root: string, ...args: string[]): Promise<void> {
  try {
    await run(process.execPath, [CLI, ...args], { cwd: root, maxBuffer: 512 * 1024 * 1024 });
  } catch (error) {
    const code = (error as { code?: number }).code;
    if (code !== 1) throw new Error(`hivebox-gitops ${args.join(' ')} in ${root} exited ${code}: ${(error as { stderr?: string }).stderr ?? ''}`);
  }
}

/** Bare kustomize over these overlay directories, with diff's parallelism. */
async function renderAll(dirs: readonly string[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < dirs.length) await kustomizeBuild(dirs[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(defaultConcurrency(), dirs.length) }, worker));
}

async function validateAvailable(): Promise<string | undefined> {
  const path = join(REPO, 'src', 'validate', 'index.ts');
  if (!existsSync(path)) return 'src/validate/index.ts does not exist yet';
  const module = (await import(path)) as Record<string, unknown>;
  return typeof module.validateRepository === 'function' ? undefined : 'src/validate/index.ts has no validateRepository yet';
}

async function measure(input: Input, validateMissing: string | undefined): Promise<Row[]> {
  const overlays = input.envs.map((env) => join(input.root, 'envs', env));
  // The base side of a diff is an extracted commit: render the committed overlays as the floor's second half.
  const baseCopy = mkdtempSync(join(tmpdir(), 'hivebox-bench-base-'));
  execFileSync('sh', ['-c', `git -C "${input.root}" archive --format=tar HEAD | tar -x -C "${baseCopy}"`]);
  const baseOverlays = input.envs.map((env) => join(baseCopy, 'envs', env));
  try {
    await renderAll(overlays); // warm the page cache and the unpacked kubectl once, outside the timings
    const synthMs = await time(() => cli(input.root, 'synth', '--check'));
    const validateMs = validateMissing ? undefined : await time(() => cli(input.root, 'validate'));
    const validateFloor = await time(() => renderAll(overlays));
    const diffMs = await time(() => cli(input.root, 'diff', '--base', 'HEAD', '--format', 'markdown'));
    const diffFloor = await time(() => renderAll([...baseOverlays, ...overlays]));
    const checkMs = validateMissing ? undefined : await time(() => cli(input.root, 'check', '--base', 'HEAD'));
    const rows: Row[] = [
      { input: input.label, step: 'synth --check', ms: synthMs, note: 'renders no overlay: no kustomize floor' },
      validateMissing
        ? { input: input.label, step: 'validate', floorMs: validateFloor, note: `not measured: ${validateMissing}` }
        : { input: input.label, step: 'validate', ms: validateMs, floorMs: validateFloor },
      {
        input: input.label,
        step: 'diff --base HEAD',
        ms: diffMs,
        floorMs: diffFloor,
        note: 'floor renders both sides; diff renders an overlay with byte-identical inputs once',
      },
    ];
    rows.push({
      input: input.label,
      step: validateMissing ? 'PR check (synth --check + diff; validate missing)' : 'PR check (synth --check + validate + diff)',
      ms: synthMs + (validateMs ?? 0) + diffMs,
      floorMs: (validateMissing ? 0 : validateFloor) + diffFloor,
    });
    if (checkMs !== undefined) {
      rows.push({
        input: input.label,
        step: 'PR check in one process (check --base HEAD)',
        ms: checkMs,
        // The same work, so the same floor; check renders each working-tree overlay once for validate and diff.
        floorMs: validateFloor + diffFloor,
      });
    }
    return rows;
  } finally {
    rmSync(baseCopy, { recursive: true, force: true });
  }
}

function formatTable(rows: readonly Row[]): string {
  const seconds = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);
  const cells = rows.map((row) => [
    row.input,
    row.step,
    seconds(row.ms),
    seconds(row.floorMs),
    row.ms !== undefined && row.floorMs ? `${(row.ms / row.floorMs).toFixed(2)}x` : '—',
    row.note ?? (row.step.startsWith('PR check') && row.ms !== undefined && row.floorMs ? (row.ms / row.floorMs <= TARGET_RATIO ? `within the ${TARGET_RATIO}x target` : `OVER the ${TARGET_RATIO}x target`) : ''),
  ]);
  const header = ['input', 'step', 'time', 'kustomize floor', 'overhead', 'note'];
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i >= 2 && i <= 4 ? '---:' : '---')).join(' | ')} |`,
    ...cells.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  kubectlPath(); // unpack the pinned kubectl before anything is timed
  const validateMissing = await validateAvailable();
  const inputs: Input[] = [];
  try {
    const repoEnvs = repositoryEnvFiles();
    inputs.push(await makeInput(`this repository (${repoEnvs.size} envs)`, repoEnvs));
    inputs.push(await makeInput(`generated (${LARGE} envs)`, largeEnvFiles(LARGE)));
    const rows: Row[] = [];
    for (const input of inputs) rows.push(...(await measure(input, validateMissing)));
    const history = makeHistory(HISTORY);
    inputs.push({ label: `history (${HISTORY} commits)`, root: history, envs: [] });
    const metricsMs = await time(() => cli(history, 'metrics', '--since', HISTORY_START, '--until', '2099-12-31', '--format', 'json'));
    rows.push({ input: `history (${HISTORY} commits)`, step: 'metrics', ms: metricsMs, note: metricsMs <= 3000 ? 'within the 3 s target' : 'OVER the 3 s target' });
    const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
    process.stdout.write(
      `hivebox-gitops bench — Node ${process.version}, ${availableParallelism()} cores (${cpu}), ` +
        `median of ${REPEAT}, diff parallelism ${defaultConcurrency()}\n\n${formatTable(rows)}\n`,
    );
  } finally {
    for (const input of inputs) rmSync(input.root, { recursive: true, force: true });
  }
}

await main();
