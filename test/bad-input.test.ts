/**
 * Bad env.yaml input: one message naming the file, the field path and what was
 * expected; exit code 2; and not one file changed on disk.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, tempRepo, snapshot } from './support/repo.ts';

const exec = promisify(execFile);

const HOST = 'route:\n  host: qa.hivebox.example.com\n';

interface Case {
  readonly name: string;
  /** envs/qa/env.yaml content; undefined = a qa folder without env.yaml. */
  readonly content: string | undefined;
  readonly file?: string;
  /** Shapes envs/qa instead of the default (a NOTES.md when content is undefined). */
  readonly layout?: (dir: string) => void;
  readonly message: RegExp;
}

const CASES: Case[] = [
  { name: 'malformed YAML', content: 'route: {host: qa.hivebox.example.com\n', message: /line \d+, column \d+: expected valid YAML/ },
  {
    name: 'an unknown key',
    content: `${HOST}scaling:\n  maxReplica: 3\n`,
    message: /scaling: unknown key "maxReplica"; expected one of: minReplicas, maxReplicas, targetCpuUtilization/,
  },
  {
    name: 'a wrong type',
    content: `${HOST}scaling:\n  maxReplicas: three\n`,
    message: /scaling\.maxReplicas: expected a value of type number, got "three"/,
  },
  {
    name: 'an out-of-range value',
    content: `${HOST}scaling:\n  minReplicas: 0\n`,
    message: /scaling\.minReplicas: expected a value >= 1, got 0/,
  },
  {
    name: 'min above max replicas',
    content: `${HOST}scaling:\n  minReplicas: 5\n  maxReplicas: 2\n`,
    message: /scaling\.maxReplicas: expected maxReplicas at least minReplicas/,
  },
  {
    name: 'an invalid image tag',
    content: `${HOST}image:\n  tag: "v1 beta"\n`,
    message: /image\.tag: expected an image tag such as v0\.6\.0.*got "v1 beta"/,
  },
  { name: 'the latest tag', content: `${HOST}image:\n  tag: latest\n`, message: /image\.tag: expected a pinned image tag, not "latest"/ },
  {
    name: 'an invalid digest',
    content: `${HOST}image:\n  digest: sha256:1234\n`,
    message: /image\.digest: expected an image digest: sha256: followed by 64 lowercase hex digits, got "sha256:1234"/,
  },
  {
    name: 'an empty env.yaml',
    content: '',
    message: /envs\/qa\/env\.yaml: expected a mapping of settings \(at least route\.host\); the file is empty/,
  },
  { name: 'a missing env.yaml', content: undefined, message: /envs\/qa\/env\.yaml: expected the environment's settings file, env\.yaml/ },
  { name: 'a missing required field', content: 'cluster: nonprod\n', message: /route: expected a value of type object \(required\)/ },
  // The block ingress-nginx read, renamed when HiveBox moved to the Gateway API: synth says what to write instead.
  {
    name: 'the old ingress block',
    content: 'ingress:\n  host: qa.hivebox.example.com\n  className: nginx\n',
    message:
      /envs\/qa\/env\.yaml: ingress: expected route instead: HiveBox moved from ingress-nginx to the Gateway API.*drop className.*docs\/runbooks\/migrate-from-ingress-nginx\.md/,
  },
  {
    name: 'a request timeout Gateway API does not accept',
    content: `${HOST}  requestTimeout: 1.5s\n`,
    message: /route\.requestTimeout: expected a Gateway API duration such as 10s, 500ms or 1m30s, got "1\.5s"/,
  },
  {
    name: 'an unknown sync mode',
    content: `${HOST}sync:\n  mode: sometimes\n`,
    message: /sync\.mode: expected one of "automatic", "manual", got "sometimes"/,
  },
  {
    name: 'a sync window schedule Argo CD cannot parse',
    content: `${HOST}sync:\n  windows:\n    - schedule: "0 6 * * 7"\n      duration: 3h\n`,
    message: /sync\.windows\[0\]\.schedule: expected a cron schedule Argo CD accepts.*day of week "7": 7 is outside 0-6.*got "0 6 \* \* 7"/,
  },
  {
    name: 'a zero sync window duration',
    content: `${HOST}sync:\n  windows:\n    - schedule: "0 6 * * 1"\n      duration: 0h\n`,
    message: /sync\.windows\[0\]\.duration: expected a positive duration as Go reads it.*got "0h"/,
  },
  {
    name: 'an unknown time zone',
    content: `${HOST}sync:\n  windows:\n    - schedule: "0 6 * * 1"\n      duration: 3h\n      timeZone: Mars/Olympus\n`,
    message:
      /sync\.windows\[0\]\.timeZone: expected an IANA time zone such as Europe\/Berlin or UTC \(not in the IANA time zone database\), got "Mars\/Olympus"/,
  },
  {
    name: 'an unknown data store mode',
    content: `${HOST}valkey:\n  mode: cloud\n`,
    message: /valkey\.mode: expected "in-cluster" or "external", got "cloud"/,
  },
  {
    name: 'a request above its limit',
    content: `${HOST}resources:\n  requests:\n    cpu: "2"\n    memory: 64Mi\n`,
    message: /resources\.requests\.cpu: expected a request no larger than limits\.cpu/,
  },
  { name: 'a bad quantity', content: `${HOST}quota:\n  memory: lots\n`, message: /quota\.memory: expected memory: a Kubernetes quantity/ },
  {
    name: 'the same host as another environment',
    content: 'route:\n  host: dev.hivebox.example.com\n',
    message: /route\.host: expected a host no other environment uses; "dev\.hivebox\.example\.com" is also dev's \(envs\/dev\/env\.yaml\)/,
  },
  {
    name: 'promotion from an unknown environment',
    content: `${HOST}promotesFrom: nowhere\n`,
    message: /promotesFrom: expected the name of another environment/,
  },
  { name: 'a top-level list', content: '- a\n- b\n', message: /expected a mapping of settings at the top level, got a list/ },
  {
    name: 'a CPU quantity with a unit',
    content: `${HOST}quota:\n  cpu: 1.5 cores\n`,
    message: /quota\.cpu: expected cpu: a Kubernetes quantity greater than zero.*got "1\.5 cores"$/,
  },
  {
    name: 'a negative quantity',
    content: `${HOST}quota:\n  memory: -1Gi\n`,
    message: /quota\.memory: expected memory: a Kubernetes quantity greater than zero.*\(this one is negative\), got "-1Gi"$/,
  },
  {
    name: 'a quantity in GB',
    content: `${HOST}minio:\n  mode: in-cluster\n  storage: 1GB\n`,
    message: /minio\.storage: expected storage: a Kubernetes quantity greater than zero.*got "1GB"$/,
  },
  {
    name: 'an alias bomb',
    content: `${HOST}${billionLaughs()}`,
    message:
      /: expected YAML whose aliases \(\*name\) stay within bounds; the aliases expand past the limit of 100 \(yaml's maxAliasCount\)/,
  },
  {
    name: 'an env.yaml larger than any env file needs',
    content: `${HOST}${'#'.repeat(80)}\n`.repeat(4000),
    message: /: expected an env\.yaml of at most 256 KiB; this one has \d+ bytes$/,
  },
  {
    name: 'an unknown YAML tag',
    content: `${HOST}secretStore: !Ref vault\n`,
    message: /line 3, column 14: expected plain YAML without custom tags \(Unresolved tag: !Ref\)$/,
  },
  {
    name: 'an env.yaml that is a folder',
    content: undefined,
    layout: (dir) => mkdirSync(join(dir, 'env.yaml')),
    message: /envs\/qa\/env\.yaml: expected the environment's settings file, env\.yaml; this is a folder$/,
  },
  {
    name: 'an env.yaml that is a dangling symbolic link',
    content: undefined,
    layout: (dir) => symlinkSync('missing.yaml', join(dir, 'env.yaml')),
    message: /envs\/qa\/env\.yaml: expected a file or folder inside the repository; it is a symbolic link to nothing$/,
  },
  {
    name: 'an environment folder that is a dangling symbolic link',
    content: undefined,
    file: 'envs/qa',
    layout: (dir) => {
      rmSync(dir, { recursive: true });
      symlinkSync('../nowhere', dir);
    },
    message: /envs\/qa: expected an environment folder; this is a symbolic link to something that does not exist$/,
  },
];

/** Eight levels of ten aliases each: 10^8 nodes once expanded, a few hundred bytes written. */
function billionLaughs(): string {
  const names = 'abcdefgh'.split('');
  return `${names
    .map(
      (name, i) =>
        `${name}: &${name} [${
          i === 0
            ? Array(10).fill('lol').join(', ')
            : Array(10)
                .fill(`*${names[i - 1]}`)
                .join(', ')
        }]`,
    )
    .join('\n')}\n`;
}

describe('bad env.yaml input', () => {
  let repo: ReturnType<typeof tempRepo>;
  beforeAll(async () => {
    repo = tempRepo();
    expect((await runCli(repo.root, 'synth')).code).toBe(0);
  });
  afterAll(() => repo.cleanup());

  for (const testCase of CASES) {
    it(`rejects ${testCase.name}`, async () => {
      const dir = join(repo.root, 'envs', 'qa');
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      if (testCase.layout) testCase.layout(dir);
      else if (testCase.content === undefined) writeFileSync(join(dir, 'NOTES.md'), 'work in progress\n');
      else writeFileSync(join(dir, 'env.yaml'), testCase.content);
      const before = snapshot(repo.root);
      try {
        const result = await runCli(repo.root, 'synth');
        expect(result.code).toBe(2);
        const lines = result.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(new RegExp(`^hivebox-gitops synth: ${(testCase.file ?? 'envs/qa/env.yaml').replace(/[./]/g, '\\$&')}`));
        expect(lines[0]).toMatch(testCase.message);
        expect(result.stdout).toBe('');
        expect(snapshot(repo.root)).toEqual(before);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('exits 2 from the real command line too', async () => {
    const dir = join(repo.root, 'envs', 'qa');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'env.yaml'), `${HOST}replicas: 3\n`);
    try {
      await exec(process.execPath, [join(REPO_ROOT, 'bin', 'hivebox-gitops.js'), 'synth'], { cwd: repo.root });
      expect.unreachable('synth accepted an unknown key');
    } catch (error) {
      const { code, stderr } = error as { code: number; stderr: string };
      expect(code).toBe(2);
      expect(stderr).toMatch(/envs\/qa\/env\.yaml: unknown key "replicas"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown flag with exit 2', async () => {
    const result = await runCli(repo.root, 'synth', '--chek');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('hivebox-gitops synth: unknown option --chek (did you mean --check?); see hivebox-gitops synth --help\n');
  });
});
