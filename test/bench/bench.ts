/**
 * `npm run bench`: what the CLI costs next to what it cannot avoid, all measured in this run.
 *
 * - Every step is the CLI as CI runs it: `node bin/hivebox-gitops.js …`, a new process each
 *   time, running the compiled dist/ (start-up included).
 * - Floors: `node -e 0` for start-up; for the pull-request check, the bare `kubectl kustomize`
 *   renders it needs one after the other: every overlay at the head and at the base (six on
 *   this repository). The check renders in parallel and renders an overlay whose inputs are
 *   identical on both sides once, so it can beat its floor.
 * - Targets (issue #12): --help ≤ 2.5× `node -e 0`; synth --check with nothing to do ≤ 0.6 s;
 *   check ≤ 1.5× its floor and ≤ 1.5 s on this repository; linear in the number of
 *   environments, and under 1.5× its floor, on 50.
 *
 * The check is also measured once with nothing cached (HIVEBOX_CACHE_DIR empty), as on a fresh CI runner.
 *
 * Each input is a temporary Git repository (this repository's env.yaml files and charts/, or
 * generated environments), synthesized and committed, then given an image change to check.
 * Rows print as they are measured; the table and a CPU profile of one check (where the time
 * goes) are also written as JSON to BENCH_JSON (default: bench.json in the current folder).
 * BENCH_REPEAT (default 3; at least 5 for the sub-second rows and for the check, which alternates
 * with its floor sample by sample) samples for the rows on this
 * repository, the median shown; one run for validate and diff alone, the better of two for
 * the generated inputs, whose runs take seconds. BENCH_LARGE (default 50) environments in the largest input.
 * A last row times `metrics` on a generated history of BENCH_HISTORY (default 10,000) first-parent
 * commits (target: under 3 s, start-up included).
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { staleness } from '../../scripts/dist-manifest.mjs';
import { synthesize } from '../../src/synth/index.ts';
import { kubectlPath, kustomizeBuild } from '../../src/toolchain/kubectl.ts';
import { HISTORY_START, makeHistory } from './metrics-history.ts';

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '..', '..');
const CLI = join(REPO, 'bin', 'hivebox-gitops.js');
const REPEAT = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));
const LARGE = Math.max(4, Number(process.env.BENCH_LARGE ?? 50));
const MIDDLE = Math.round(LARGE / 2);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 10_000);
const JSON_PATH = resolve(process.env.BENCH_JSON ?? 'bench.json');
const TARGETS = { helpRatio: 2.5, synthCheckMs: 600, checkRatio: 1.5, checkMs: 1500 };
const started = performance.now();

interface Input {
  readonly label: string;
  readonly root: string;
  readonly envs: readonly string[];
}

interface Row {
  readonly input: string;
  readonly step: string;
  readonly ms: number;
  readonly samples: number;
  readonly floor?: string;
  readonly floorMs?: number;
  readonly ratio?: number;
  readonly target?: string;
  readonly met?: boolean;
  readonly note?: string;
}

const rows: Row[] = [];
const seconds = (ms: number | undefined): string => (ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);
const progress = (text: string): void => void process.stderr.write(`  … ${((performance.now() - started) / 1000).toFixed(0)} s: ${text}\n`);

function printRow(row: Row): void {
  rows.push(row);
  const verdict = row.target === undefined ? '' : `${row.target}: ${row.met ? 'met' : 'NOT met'}`;
  const runs = row.samples === REPEAT ? '' : row.samples === 1 ? '1 run' : row.samples === 2 ? 'best of 2' : `median of ${row.samples}`;
  const cells = [
    row.input,
    row.step,
    seconds(row.ms),
    row.floor ? `${seconds(row.floorMs)} (${row.floor})` : '—',
    row.ratio === undefined ? '—' : `${row.ratio.toFixed(2)}×`,
    [verdict, runs, row.note].filter(Boolean).join('; '),
  ];
  process.stdout.write(`| ${cells.join(' | ')} |\n`);
}

function git(root: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=bench@example.com', '-c', 'user.name=bench', '-c', 'commit.gpgsign=false', ...args], {
    cwd: root,
    stdio: 'ignore',
  });
}

/** A temporary repository with the given env.yaml files, synthesized and committed, then one image changed and synthesized again. */
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
  // Synthesized in this process: the record it leaves lets the CLI's synth --check find nothing to do.
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

/** `count` environments cloned from the repository's, a promotion chain, each with its own host. */
function generatedEnvFiles(count: number): Map<string, string> {
  const templates = [...repositoryEnvFiles().values()];
  const files = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const name = `env${String(i).padStart(2, '0')}`;
    const content = templates[i % templates.length]!.replace(
      /^promotesFrom: .*$/m,
      i === 0 ? '' : `promotesFrom: env${String(i - 1).padStart(2, '0')}`,
    ).replace(/^(\s+host: ).*$/m, `$1${name}.hivebox.example.com`);
    files.set(name, content);
  }
  return files;
}

async function time(action: () => Promise<unknown>, samples = REPEAT): Promise<number> {
  const measured: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await action();
    measured.push(performance.now() - start);
  }
  measured.sort((a, b) => a - b);
  return measured[Math.floor((measured.length - 1) / 2)]!;
}

/** Medians of `a` and `b`, measured in turn: a, b, a, b… */
async function timeAlternately(a: () => Promise<unknown>, b: () => Promise<unknown>, samples: number): Promise<[number, number]> {
  const measured: [number[], number[]] = [[], []];
  for (let i = 0; i < samples; i++) {
    for (const [index, action] of [a, b].entries()) {
      const start = performance.now();
      await action();
      measured[index]!.push(performance.now() - start);
    }
  }
  const median = (values: number[]): number => values.sort((x, y) => x - y)[Math.floor((values.length - 1) / 2)]!;
  return [median(measured[0]), median(measured[1])];
}

/** The CLI as CI runs it; exit 1 (findings, differences) is an answer, not a failure. */
async function cli(root: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    await run(process.execPath, [CLI, ...args], { cwd: root, env, maxBuffer: 512 * 1024 * 1024 });
  } catch (error) {
    const code = (error as { code?: number }).code;
    if (code !== 1)
      throw new Error(`hivebox-gitops ${args.join(' ')} in ${root} exited ${code}: ${(error as { stderr?: string }).stderr ?? ''}`);
  }
}

/** Bare kustomize over these overlays, one after the other. */
async function renderInTurn(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) await kustomizeBuild(dir);
}

/** The overlays at head and at the base commit (extracted as diff extracts it), and a cleanup. */
function overlays(input: Input): { head: string[]; base: string[]; cleanup: () => void } {
  const baseCopy = mkdtempSync(join(tmpdir(), 'hivebox-bench-base-'));
  execFileSync('sh', ['-c', `git -C "${input.root}" archive --format=tar HEAD | tar -x -C "${baseCopy}"`]);
  return {
    head: input.envs.map((env) => join(input.root, 'envs', env)),
    base: input.envs.map((env) => join(baseCopy, 'envs', env)),
    cleanup: () => rmSync(baseCopy, { recursive: true, force: true }),
  };
}

async function startUp(input: Input): Promise<void> {
  const fast = Math.max(5, REPEAT);
  const node = await time(() => run(process.execPath, ['-e', '0']), fast);
  printRow({ input: input.label, step: '`node -e 0`', ms: node, samples: fast, note: 'the floor of any Node CLI' });
  const help = await time(() => cli(input.root, ['--help']), fast);
  const helpRatio = help / node;
  printRow({
    input: input.label,
    step: '`hivebox-gitops --help`',
    ms: help,
    samples: fast,
    floor: 'node -e 0',
    floorMs: node,
    ratio: helpRatio,
    target: `≤ ${TARGETS.helpRatio}×`,
    met: helpRatio <= TARGETS.helpRatio,
  });
}

async function smallInput(input: Input): Promise<void> {
  const { head, base, cleanup } = overlays(input);
  try {
    await renderInTurn(head); // the page cache and kubectl warm, outside every timing
    const synthCheck = await time(() => cli(input.root, ['synth', '--check']), Math.max(5, REPEAT));
    printRow({
      input: input.label,
      step: '`synth --check`, nothing to do',
      ms: synthCheck,
      samples: Math.max(5, REPEAT),
      target: `≤ ${seconds(TARGETS.synthCheckMs)}`,
      met: synthCheck <= TARGETS.synthCheckMs,
      note: 'answered from the recorded state',
    });
    const synthFull = await time(() => cli(input.root, ['synth', '--check'], { ...process.env, HIVEBOX_SYNTH_CACHE: 'off' }), 1);
    printRow({
      input: input.label,
      step: '`synth --check`, synthesizing (nothing recorded)',
      ms: synthFull,
      samples: 1,
      note: 'a fresh clone, or after an env.yaml edit: cdk8s runs',
    });

    // validate and diff alone, once each (the check below is what the targets are about).
    const validateFloor = await time(() => renderInTurn(head), 1);
    const validate = await time(() => cli(input.root, ['validate']), 1);
    printRow({
      input: input.label,
      step: '`validate`',
      ms: validate,
      samples: 1,
      floor: `${head.length} renders`,
      floorMs: validateFloor,
      ratio: validate / validateFloor,
      note: 'also renders argocd/ (a few batched kustomize runs)',
    });

    // The check and its floor alternate, sample by sample, so that both see the same machine: on a
    // shared machine the load drifts, and a check (which wants both cores) suffers more from it
    // than renders one after the other do.
    const pairs = Math.max(5, REPEAT);
    const [check, floor] = await timeAlternately(
      () => cli(input.root, ['check', '--base', 'HEAD']),
      () => renderInTurn([...head, ...base]),
      pairs,
    );
    const diff = await time(() => cli(input.root, ['diff', '--base', 'HEAD', '--format', 'markdown']), 1);
    printRow({
      input: input.label,
      step: '`diff --base HEAD`',
      ms: diff,
      samples: 1,
      floor: `${head.length + base.length} renders`,
      floorMs: floor,
      ratio: diff / floor,
      note: 'renders an overlay with identical inputs on both sides once',
    });

    const ratio = check / floor;
    printRow({
      input: input.label,
      step: '**`check --base HEAD`** (the PR check)',
      ms: check,
      samples: pairs,
      floor: `${head.length + base.length} renders`,
      floorMs: floor,
      ratio,
      target: `≤ ${TARGETS.checkRatio}× and ≤ ${seconds(TARGETS.checkMs)}`,
      met: ratio <= TARGETS.checkRatio && check <= TARGETS.checkMs,
    });
    // Nothing kept from earlier runs (an empty cache inside node_modules, where cached validators can load their runtime).
    const cold = mkdtempSync(join(REPO, 'node_modules', '.cache', 'hivebox-bench-cold-'));
    try {
      const checkCold = await time(() => cli(input.root, ['check', '--base', 'HEAD'], { ...process.env, HIVEBOX_CACHE_DIR: cold }), 1);
      printRow({
        input: input.label,
        step: '`check --base HEAD`, nothing cached',
        ms: checkCold,
        samples: 1,
        floor: `${head.length + base.length} renders`,
        floorMs: floor,
        ratio: checkCold / floor,
        note: 'a fresh CI runner: unpacks kubectl, compiles validators, synthesizes',
      });
    } finally {
      rmSync(cold, { recursive: true, force: true });
    }
  } finally {
    cleanup();
  }
}

/** check on a generated input; the floor only where asked (it is the slowest thing measured). */
async function checkAt(input: Input, withFloor: boolean): Promise<{ envs: number; ms: number }> {
  const { head, base, cleanup } = overlays(input);
  try {
    // Two runs, the faster kept: at this size a run takes seconds, and the bench has to finish in two minutes.
    const samples = 2;
    const check = await time(() => cli(input.root, ['check', '--base', 'HEAD']), samples);
    if (!withFloor) {
      printRow({ input: input.label, step: '`check --base HEAD`', ms: check, samples });
    } else {
      progress(`rendering the ${head.length + base.length} overlays one after the other`);
      const floor = await time(() => renderInTurn([...head, ...base]), 1);
      const ratio = check / floor;
      printRow({
        input: input.label,
        step: '**`check --base HEAD`**',
        ms: check,
        samples,
        floor: `${head.length + base.length} renders`,
        floorMs: floor,
        ratio,
        target: `≤ ${TARGETS.checkRatio}×`,
        met: ratio <= TARGETS.checkRatio,
      });
    }
    return { envs: input.envs.length, ms: check };
  } finally {
    cleanup();
  }
}

/** Least-squares line through the points, and how far the middle one lies from it. */
function slope(points: readonly { envs: number; ms: number }[]): { perEnv: number; offset: number; worstDeviation: number } {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.envs, 0) / n;
  const my = points.reduce((s, p) => s + p.ms, 0) / n;
  const perEnv = points.reduce((s, p) => s + (p.envs - mx) * (p.ms - my), 0) / points.reduce((s, p) => s + (p.envs - mx) ** 2, 0);
  const offset = my - perEnv * mx;
  const worstDeviation = Math.max(...points.map((p) => Math.abs(p.ms - (offset + perEnv * p.envs)) / p.ms));
  return { perEnv, offset, worstDeviation };
}

/** Where one check's main thread spends its time, from a V8 CPU profile. */
async function whereTheTimeGoes(input: Input): Promise<Array<{ part: string; ms: number }>> {
  const dir = mkdtempSync(join(tmpdir(), 'hivebox-bench-prof-'));
  try {
    await run(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, CLI, 'check', '--base', 'HEAD'], {
      cwd: input.root,
      maxBuffer: 512 * 1024 * 1024,
    }).catch((error: { code?: number }) => {
      if (error.code !== 1) throw error;
    });
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) return [];
    interface Node {
      id: number;
      callFrame: { functionName: string; url: string };
      children?: number[];
    }
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    const parts = new Map<string, number>();
    profile.samples.forEach((id, i) => {
      const part = classify(id, byId, parent);
      parts.set(part, (parts.get(part) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    });
    return [...parts].map(([part, ms]) => ({ part, ms })).sort((a, b) => b.ms - a.ms);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PARTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/node_modules\/(yaml|js-yaml)\//, 'YAML parsing and printing'],
  [/node_modules\/ajv\/|node_modules\/\.cache\/hivebox-gitops\/validators|\/schemas\//, 'schema validation (ajv, cached validators)'],
  [
    /node_modules\/(cdk8s|cdk8s-plus-28|constructs)\/|\/(synth|constructs|argocd|platform|docs)\//,
    'synth (constructs, recorded-state check)',
  ],
  [/\/validate\//, 'validate rules'],
  [/\/diff\/|node_modules\/diff\//, 'diff (compare, git archive)'],
  [/\/toolchain\//, 'starting kustomize, batching'],
  [/node_modules\/zod\/|\/config\//, 'reading env.yaml (zod)'],
];

function classify(
  id: number,
  byId: Map<number, { callFrame: { functionName: string; url: string } }>,
  parent: Map<number, number>,
): string {
  const leaf = byId.get(id)!.callFrame;
  if (leaf.functionName === '(idle)') return 'idle: waiting for kustomize, git and files';
  if (leaf.functionName === '(garbage collector)') return 'garbage collection';
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const { url, functionName } = byId.get(at)!.callFrame;
    if (/compileSourceTextModule|compileFunction|wrapSafe|loadESM|ModuleJob/.test(functionName)) return 'loading modules';
    for (const [pattern, part] of PARTS) if (pattern.test(url)) return part;
  }
  return 'Node start-up and everything else';
}

async function main(): Promise<void> {
  const stale = staleness(REPO);
  if (stale) throw new Error(`${stale}: the bench measures the compiled CLI`);
  kubectlPath(); // unpack the pinned kubectl before anything is timed
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const [load] = loadavg();
  process.stdout.write(
    `hivebox-gitops bench — Node ${process.version}, ${availableParallelism()} cores (${cpu}), load average ${load!.toFixed(2)} at start, median of ${REPEAT} unless noted\n\n` +
      '| input | step | time | floor | ratio | target; note |\n| --- | --- | ---: | ---: | ---: | --- |\n',
  );
  const inputs: Input[] = [];
  try {
    const repoEnvs = repositoryEnvFiles();
    progress('preparing a copy of this repository');
    const small = await makeInput(`this repository (${repoEnvs.size} envs)`, repoEnvs);
    inputs.push(small);
    await startUp(small);
    await smallInput(small);
    const points = [
      { envs: small.envs.length, ms: rows.find((r) => r.step.includes('`check --base HEAD`') && r.input === small.label)!.ms },
    ];

    progress(`preparing ${MIDDLE} generated environments`);
    const middle = await makeInput(`generated (${MIDDLE} envs)`, generatedEnvFiles(MIDDLE));
    inputs.push(middle);
    points.push(await checkAt(middle, false));
    progress(`preparing ${LARGE} generated environments`);
    const large = await makeInput(`generated (${LARGE} envs)`, generatedEnvFiles(LARGE));
    inputs.push(large);
    points.push(await checkAt(large, true));

    const line = slope(points);

    progress(`building a first-parent history of ${HISTORY} commits`);
    const history = makeHistory(HISTORY);
    inputs.push({ label: `history (${HISTORY} commits)`, root: history, envs: [] });
    const metricsMs = await time(() => cli(history, ['metrics', '--since', HISTORY_START, '--until', '2099-12-31', '--format', 'json']), 1);
    printRow({
      input: `history (${HISTORY} commits)`,
      step: '`metrics`',
      ms: metricsMs,
      samples: 1,
      target: '≤ 3.00 s',
      met: metricsMs <= 3000,
      note: 'one git log, start-up included',
    });
    progress('profiling one check on this repository');
    const parts = await whereTheTimeGoes(small);
    const total = parts.reduce((sum, part) => sum + part.ms, 0);
    const benchSeconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `\ncheck grows by ${line.perEnv.toFixed(0)} ms per environment (least squares over ${points.map((p) => p.envs).join(', ')} environments; ` +
        `no point more than ${(line.worstDeviation * 100).toFixed(0)}% off the line).\n\n` +
        `Where one check's main thread spends its ${seconds(total)} (CPU profile; kustomize runs in its own processes meanwhile):\n` +
        parts.map((part) => `  ${seconds(part.ms).padStart(7)}  ${part.part}`).join('\n') +
        `\n\nbench: ${benchSeconds.toFixed(0)} s, load average ${loadavg()[0]!.toFixed(2)} at the end; table written to ${JSON_PATH}\n`,
    );
    writeFileSync(
      JSON_PATH,
      `${JSON.stringify(
        {
          node: process.version,
          cores: availableParallelism(),
          cpu,
          loadAverageAtStart: load,
          loadAverageAtEnd: loadavg()[0],
          repeat: REPEAT,
          targets: TARGETS,
          rows,
          check: { perEnvironmentMs: line.perEnv, worstDeviationFromLine: line.worstDeviation, points },
          profile: parts,
          benchSeconds,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    for (const input of inputs) rmSync(input.root, { recursive: true, force: true });
  }
}

await main();
