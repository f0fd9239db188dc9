/**
 * The bench's input for `metrics`: a Git history of `count` first-parent commits built with
 * one `git fast-import`, each promoting an image one step along dev → staging → prod (env.yaml
 * and a generated patch), an hour apart.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ENVS = ['dev', 'staging', 'prod'] as const;
export const HISTORY_START = '2024-01-01';

export function makeHistory(count: number): string {
  const root = mkdtempSync(join(tmpdir(), 'hivebox-bench-history-'));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root });
  const parts: string[] = [];
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const envYaml = (env: string, version: number) =>
    `${env === 'dev' ? '' : `promotesFrom: ${ENVS[ENVS.indexOf(env as (typeof ENVS)[number]) - 1]}\n`}image:\n  tag: v${version}\n` +
    `  digest: sha256:${version.toString(16).padStart(64, '0')}\nroute:\n  host: ${env}.example.com\n`;
  let time = Date.parse(`${HISTORY_START}T00:00:00Z`) / 1000;
  for (let i = 0; i < count; i++) {
    const env = ENVS[i % 3]!;
    time += 3600;
    parts.push(
      `commit refs/heads/main\ncommitter Bench <bench@example.com> ${time} +0000\n${data(`deploy(${env}): v${Math.floor(i / 3)}`)}`,
    );
    const files = i === 0 ? ENVS.map((e) => [e, 0] as const) : [[env, Math.floor(i / 3)] as const];
    for (const [e, version] of files) {
      parts.push(`M 100644 inline envs/${e}/env.yaml\n${data(envYaml(e, version))}`);
      parts.push(`M 100644 inline envs/${e}/patches/deployment-hivebox.yaml\n${data(`# v${version}\n`)}`);
    }
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: root, input: parts.join('') });
  execFileSync('git', ['checkout', '-q', 'main'], { cwd: root });
  return root;
}
