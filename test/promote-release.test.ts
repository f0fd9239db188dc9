/**
 * Promotion commits and release automation agree: the message `promote` writes passes the
 * project's commitlint configuration, and every type commitlint accepts has a place in
 * release-please's changelog, with `deploy` shown (so a promotion makes a release).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitMessage } from '../src/promote/promote.ts';

const REPO = resolve(import.meta.dirname, '..');
const DIGEST = `sha256:${'d'.repeat(64)}`;

function commitlint(message: string): { ok: boolean; output: string } {
  try {
    const output = execFileSync(join(REPO, 'node_modules/.bin/commitlint'), ['--config', join(REPO, 'commitlint.config.js')], {
      cwd: REPO,
      input: message,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return { ok: true, output };
  } catch (error) {
    return { ok: false, output: `${(error as { stdout?: string }).stdout ?? ''}` };
  }
}

describe('promotion commits and releases', () => {
  it('the messages promote writes pass commitlint, even with long repositories and digests', () => {
    const previous = { repository: 'ghcr.io/hivebox-platform/hivebox', tag: 'v0.6.0', digest: DIGEST };
    const next = { repository: 'ghcr.io/hivebox-platform/hivebox', tag: 'v0.7.0-rc.1', digest: DIGEST };
    for (const message of [
      commitMessage('staging', 'dev', previous, next),
      commitMessage('dev', undefined, previous, { ...next, tag: undefined }),
    ]) {
      const result = commitlint(message.text);
      expect(result.ok, `${message.text}\n${result.output}`).toBe(true);
    }
  });

  it('commitlint still refuses what is not a Conventional Commit', () => {
    expect(commitlint('Promote staging\n').ok).toBe(false);
    expect(commitlint('deploys(staging): promote hivebox v1\n').ok).toBe(false);
  });

  it('release-please has a changelog section for every type commitlint accepts, and shows deploy', async () => {
    const config = JSON.parse(readFileSync(join(REPO, 'release-please-config.json'), 'utf8')) as {
      'changelog-sections': Array<{ type: string; section: string; hidden?: boolean }>;
      packages: Record<string, { 'changelog-path'?: string }>;
    };
    const { default: commitlintConfig } = (await import(join(REPO, 'commitlint.config.js'))) as {
      default: { rules: Record<string, [number, string, string[]]> };
    };
    const accepted = commitlintConfig.rules['type-enum']![2];
    const sections = config['changelog-sections'];
    expect(sections.map((s) => s.type).sort()).toEqual([...accepted].sort());
    expect(sections.find((s) => s.type === 'deploy')).toEqual({ type: 'deploy', section: 'Deployments' });
    expect(config.packages['.']!['changelog-path']).toBe('CHANGELOG.md');
    const manifest = JSON.parse(readFileSync(join(REPO, '.release-please-manifest.json'), 'utf8')) as Record<string, string>;
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(manifest['.']).toBe(pkg.version);
  });
});
