/**
 * The invariant that makes the overlays trustworthy: for every environment,
 * real kustomize applied to envs/<env> yields exactly the manifests the
 * constructs produce for that environment.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnvironments } from '../src/config/load.ts';
import { renderEnvironment, resourceKey } from '../src/synth/render.ts';
import type { Manifest } from '../src/kube/manifest.ts';
import { kustomizeBuild } from '../src/toolchain/kubectl.ts';
import { parseYamlStream, REPO_ROOT, runCli, tempRepo } from './support/repo.ts';

function byKey(manifests: readonly Manifest[]): Map<string, Manifest> {
  return new Map(manifests.map((m) => [`${resourceKey(m)}@${m.metadata.namespace ?? ''}`, m]));
}

async function expectOverlayMatchesConstructs(root: string, name: string): Promise<void> {
  const environment = loadEnvironments(root).find((env) => env.name === name)!;
  const rendered = parseYamlStream(await kustomizeBuild(join(root, 'envs', name))) as unknown as Manifest[];
  const expected = renderEnvironment(environment);
  const actual = byKey(rendered);
  expect([...actual.keys()].sort()).toEqual([...byKey(expected).keys()].sort());
  for (const [key, manifest] of byKey(expected)) {
    expect(actual.get(key), key).toEqual(JSON.parse(JSON.stringify(manifest)));
  }
}

describe('kustomize build envs/<env> equals the constructs', () => {
  for (const name of ['dev', 'staging', 'prod']) {
    it(`holds for the committed ${name} overlay`, async () => {
      await expectOverlayMatchesConstructs(REPO_ROOT, name);
    });
  }

  describe('for environments that change what the base runs', () => {
    let repo: ReturnType<typeof tempRepo>;
    beforeAll(async () => {
      repo = tempRepo();
      const add = (name: string, body: string) => {
        mkdirSync(join(repo.root, 'envs', name), { recursive: true });
        writeFileSync(join(repo.root, 'envs', name, 'env.yaml'), body);
      };
      // External Valkey and MinIO: base resources deleted, others patched.
      add(
        'external',
        [
          'image: {repository: ghcr.io/another-team/hivebox, digest: "sha256:' + 'a'.repeat(64) + '"}',
          'route: {host: external.hivebox.example.com}',
          'valkey: {mode: external, host: cache.example.com, port: 6380}',
          'minio: {mode: external, endpoint: "s3.example.com:443", bucket: archive}',
          'app: {port: 9090, senseBoxIds: ["' + 'b'.repeat(24) + '"]}',
        ].join('\n'),
      );
      // Digest without tag, and a namespace of its own choosing.
      add(
        'digest',
        ['namespace: bees', 'image: {digest: "sha256:' + 'c'.repeat(64) + '"}', 'route: {host: digest.hivebox.example.com}'].join('\n'),
      );
      const synth = await runCli(repo.root, 'synth');
      expect(synth.code, synth.stderr).toBe(0);
    });
    afterAll(() => repo.cleanup());

    it('holds with external data stores, another registry and another port', async () => {
      await expectOverlayMatchesConstructs(repo.root, 'external');
      const rendered = parseYamlStream(await kustomizeBuild(join(repo.root, 'envs', 'external')));
      expect(rendered.some((m) => m.kind === 'StatefulSet')).toBe(false);
    });

    it('holds with a digest-only image and a custom namespace', async () => {
      await expectOverlayMatchesConstructs(repo.root, 'digest');
    });
  });
});
