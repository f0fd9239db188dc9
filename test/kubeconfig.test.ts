/**
 * `status` finds and merges kubeconfig files as kubectl does (client-go tools/clientcmd/loader.go):
 * $KUBECONFIG files in order, missing ones skipped, the first to name a cluster, user or context
 * keeps it, the first current context wins. Proved against the in-process Kubernetes API.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli.ts';
import { loadKubeconfig } from '../src/status/kubeconfig.ts';
import { application, startKubeApi } from './support/kube-api-server.ts';
import { tempRepo } from './support/repo.ts';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hivebox-kubeconfig-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A kubeconfig naming a cluster `fake` that points nowhere, and (optionally) a current context. */
function otherFile(dir: string, name: string, currentContext?: string): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '  - name: fake\n    cluster:\n      server: https://127.0.0.1:1',
      '  - name: elsewhere\n    cluster:\n      server: https://127.0.0.1:2',
      'users:',
      '  - name: ci\n    user:\n      token: not-the-token',
      'contexts:',
      '  - name: fake\n    context:\n      cluster: elsewhere\n      user: ci',
      '  - name: second\n    context:\n      cluster: elsewhere\n      user: ci',
      ...(currentContext ? [`current-context: ${currentContext}`] : []),
      '',
    ].join('\n'),
  );
  return file;
}

async function statusWith(env: Record<string, string>) {
  const repo = tempRepo();
  cleanup.push(repo.cleanup);
  let stdout = '';
  let stderr = '';
  const code = await main(['status', '--request-timeout', '5s'], {
    cwd: repo.root,
    env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

const PROD_IMAGE = 'ghcr.io/hivebox-platform/hivebox:v0.6.0@sha256:3f1b7c0a9d2e4f6b8a1c3e5d7f9b0a2c4e6d8f0b1a3c5e7d9f1b3a5c7e9d0f2a';

/** The API answering that every environment runs what Git wants. */
async function fakeApi() {
  const api = await startKubeApi([
    application('dev', 'Synced', 'Healthy'),
    application('staging', 'Synced', 'Healthy', { images: [PROD_IMAGE] }),
    application('prod', 'Synced', 'Healthy', { images: [PROD_IMAGE] }),
  ]);
  cleanup.push(() => api.close());
  return api;
}

describe('status reads $KUBECONFIG as kubectl does', () => {
  it('skips a missing file, and the first file keeps the names and the current context it sets', async () => {
    const api = await fakeApi();
    const dir = folder();
    // The later file redefines cluster, user and context `fake` and sets another current context:
    // kubectl ignores all of that (client-node 1.4's loadFromDefault would fail on the duplicate names).
    const later = otherFile(dir, 'later', 'second');
    const result = await statusWith({ KUBECONFIG: [join(dir, 'missing'), api.kubeconfig, later].join(delimiter) });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('3 of 3 environments Synced, Healthy and running the image Git wants.');
    expect(result.code).toBe(0);
  });

  it('takes the current context from a later file when the earlier ones set none', () => {
    const dir = folder();
    const first = otherFile(dir, 'first');
    const second = otherFile(dir, 'second', 'second');
    const { config } = loadKubeconfig(undefined, { KUBECONFIG: [first, second].join(delimiter) });
    expect(config.getCurrentContext()).toBe('second');
    expect(config.getCurrentCluster()?.server).toBe('https://127.0.0.1:2');
  });

  it('the first file to name a cluster wins it whole', async () => {
    const api = await fakeApi();
    const dir = folder();
    const first = otherFile(dir, 'first', 'fake');
    const { config } = loadKubeconfig(undefined, { KUBECONFIG: [first, api.kubeconfig].join(delimiter) });
    // `fake` from the first file: its context points at `elsewhere`, its cluster `fake` at port 1.
    expect(config.getCurrentCluster()?.server).toBe('https://127.0.0.1:2');
    expect(config.getCluster('fake')?.server).toBe('https://127.0.0.1:1');
    expect(config.getUser('ci')?.token).toBe('not-the-token');
    // Names only the later file defines still arrive.
    expect(config.getContextObject('stranger')?.user).toBe('stranger');
  });

  it('--kubeconfig is read alone: $KUBECONFIG is not merged in', () => {
    const dir = folder();
    const explicit = otherFile(dir, 'explicit', 'fake');
    const listed = otherFile(dir, 'listed', 'second');
    const { config } = loadKubeconfig(explicit, { KUBECONFIG: listed });
    expect(config.getCurrentContext()).toBe('fake');
    expect(config.getContexts().map((context) => context.name)).toEqual(['fake', 'second']);
  });

  it('names every listed file on one line when none exists (exit 2)', async () => {
    const dir = folder();
    const missing = [join(dir, 'a'), join(dir, 'b')];
    const result = await statusWith({ KUBECONFIG: missing.join(delimiter) });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `hivebox-gitops status: no kubeconfig found: none of the files $KUBECONFIG lists exists (${missing.join(', ')}); pass --kubeconfig <path> or fix KUBECONFIG\n`,
    );
  });

  it('a file that is not a kubeconfig is named, on one line (exit 2)', async () => {
    const dir = folder();
    const broken = join(dir, 'broken');
    writeFileSync(broken, 'clusters: [\n');
    const result = await statusWith({ KUBECONFIG: broken });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^hivebox-gitops status: cannot read kubeconfig ${broken}: [^\\n]+\\n$`));
  });
});
