import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.ts';
import { synopses, type CommandDescription } from '../src/commands/flags.ts';
import { ALLOW_LIST_DESCRIPTION } from '../src/validate/checks/parity.ts';
import { RULES } from '../src/validate/index.ts';
import { loadEnvironments } from '../src/config/load.ts';
import { renderArchitecture } from '../src/docs/architecture.ts';
import { GENERATED_MARKER } from '../src/kube/header.ts';
import { plan } from '../src/synth/plan.ts';
import { tempRepo } from './support/repo.ts';

const REPO = resolve(import.meta.dirname, '..');
let workspace: string;
let planned: Map<string, string>;
/** argocd/ path → the objects synth wrote it from, as the plan hands them to renderArchitecture. */
let argoCdDocuments: ReadonlyMap<string, readonly unknown[]>;
let architecture: string;

/** The repository's configuration in a folder of its own, so the test can change it. */
function copyConfiguration(): string {
  return tempRepo().root;
}

beforeAll(async () => {
  workspace = copyConfiguration();
  const result = await plan(workspace);
  planned = new Map(result.files);
  argoCdDocuments = result.argoCdDocuments;
  architecture = renderArchitecture(argoCdDocuments);
});
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

/** Every Argo CD object synth plans under argocd/, read independently of the renderer. */
function plannedArgoObjects(
  kind: string,
): Array<{ metadata: { name: string; labels?: Record<string, string> }; spec: { project?: string } }> {
  return [...planned]
    .filter(([path]) => path.startsWith('argocd/'))
    .flatMap(([, content]) => parseAllDocuments(content).map((doc) => doc.toJS()))
    .filter((object) => object?.apiVersion?.startsWith('argoproj.io/') && object.kind === kind);
}

function mermaidBlock(markdown: string): string[] {
  const match = /```mermaid\n([\s\S]*?)```/.exec(markdown);
  expect(match, 'a mermaid block').not.toBeNull();
  return match![1]!
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

describe('docs/architecture.md from the planned argocd/ tree', () => {
  it('is drawn from exactly what argocd/ contains: the objects it is drawn from are the planned files read back', () => {
    const files = [...planned].filter(([path]) => path.startsWith('argocd/'));
    expect([...argoCdDocuments.keys()].sort()).toEqual(files.map(([path]) => path).sort());
    for (const [path, content] of files) {
      expect(argoCdDocuments.get(path), path).toEqual(parseAllDocuments(content).map((doc) => doc.toJS()));
    }
    expect(planned.get('docs/architecture.md')).toBe(architecture);
  });

  it('opens with the generated-file header, as an HTML comment', () => {
    expect(architecture.split('\n')[0]).toMatch(new RegExp(`^<!-- ${GENERATED_MARKER} from .*argocd/.*npm run synth.* -->$`));
  });

  it('has a node and a table row for every Application synth plans, in its AppProject', () => {
    const applications = plannedArgoObjects('Application');
    expect(applications.length).toBeGreaterThan(3);
    const table = architecture
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| Cluster') && !line.startsWith('| ---'));
    for (const app of applications) {
      expect(architecture).toContain(`["${app.metadata.name}<br/>`);
      const cluster = app.metadata.labels!['hivebox.dev/cluster'];
      expect(
        table.some((row) => row.startsWith(`| ${cluster} | ${app.metadata.name} | ${app.spec.project} |`)),
        app.metadata.name,
      ).toBe(true);
    }
    expect(table).toHaveLength(applications.length);
  });

  it('draws each environment as envs/<env>/ → hivebox-<env> → its cluster and namespace', () => {
    for (const env of loadEnvironments(workspace)) {
      const app = `app_${env.cluster}_hivebox_${env.name}`;
      const lines = mermaidBlock(architecture);
      expect(lines).toContain(`path_envs_${env.name} --> ${app}`);
      expect(lines).toContain(`${app} --> ns_${env.cluster}_${env.namespace.replace(/-/g, '_')}`);
      expect(architecture).toMatch(
        new RegExp(
          `\\| ${env.cluster} \\| hivebox-${env.name} \\| hivebox \\| envs/${env.name}/ \\| ${env.namespace} \\| ${env.sync.mode === 'automatic' ? 'auto-sync' : 'manual sync'} \\| \\d+ \\|`,
        ),
      );
    }
  });

  it('is well-formed Mermaid: balanced subgraphs, and every edge joins declared nodes or subgraphs', () => {
    const lines = mermaidBlock(architecture);
    expect(lines[0]).toBe('flowchart LR');
    let depth = 0;
    const declared = new Set<string>();
    for (const line of lines.slice(1)) {
      if (line.startsWith('subgraph ')) {
        depth++;
        declared.add(/^subgraph (\w+)\[/.exec(line)![1]!);
      } else if (line === 'end') {
        depth--;
        expect(depth).toBeGreaterThanOrEqual(0);
      } else if (/^\w+[[(]/.test(line)) {
        declared.add(/^(\w+)/.exec(line)![1]!);
      }
    }
    expect(depth).toBe(0);
    const edges = lines.filter((line) => /^\w+ -\.?->? \w+$|^\w+ --> \w+$|^\w+ -\.-> \w+$/.test(line));
    expect(edges.length).toBeGreaterThan(0);
    for (const edge of edges) {
      const [from, , to] = edge.split(' ');
      expect(declared.has(from!), `${edge}: ${from} declared`).toBe(true);
      expect(declared.has(to!), `${edge}: ${to} declared`).toBe(true);
    }
  });

  it('is deterministic and does not depend on the order of the planned files', () => {
    const reversed = new Map([...argoCdDocuments].reverse());
    expect(renderArchitecture(reversed)).toBe(architecture);
  });

  it('does not change when an image is promoted (no image in it), so promotions touch envs/<env>/ only', async () => {
    const dir = copyConfiguration();
    try {
      const file = join(dir, 'envs/staging/env.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/tag: v[\w.-]+/, 'tag: v9.9.9'));
      const after = renderArchitecture((await plan(dir)).argoCdDocuments);
      expect(after).toBe(architecture);
      expect(after).not.toContain('v9.9.9');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('follows a removed environment', async () => {
    const dir = copyConfiguration();
    try {
      rmSync(join(dir, 'envs/dev'), { recursive: true });
      writeFileSync(
        join(dir, 'envs/staging/env.yaml'),
        readFileSync(join(dir, 'envs/staging/env.yaml'), 'utf8').replace(/^promotesFrom: dev\n/m, ''),
      );
      const after = renderArchitecture((await plan(dir)).argoCdDocuments);
      expect(after).not.toContain('hivebox-dev');
      expect(after).toContain('hivebox-staging');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Every `npm run <command> -- <flags>` and `hivebox-gitops <command> <flags>` the docs show. */
function documentedInvocations(): Array<{ file: string; command: string; flags: string[] }> {
  const files = ['docs/README.md', ...readdirSync(join(REPO, 'docs/runbooks')).map((name) => `docs/runbooks/${name}`)];
  return files.flatMap((file) =>
    readFileSync(join(REPO, file), 'utf8')
      .split('\n')
      .flatMap((line) => [...line.matchAll(/(?:npm run|hivebox-gitops) ([a-z]+)((?: -- )?(?:\s*--?[a-z][\w-]*(?:[ =](?!--)[^\s`|]+)?)*)/g)])
      .map((match) => ({
        file,
        command: match[1]!,
        flags: [...match[2]!.matchAll(/(?:^|\s)(--[a-z][\w-]*)/g)].map((flag) => flag[1]!).filter((flag) => flag !== '--'),
      })),
  );
}

describe('the README shows each command as its --help does', () => {
  it('every synopsis in the README is one its command prints (from src/commands/usage/)', async () => {
    const dir = join(REPO, 'src', 'commands', 'usage');
    const usages = await Promise.all(readdirSync(dir).map((file) => import(join(dir, file)) as Promise<{ usage: CommandDescription }>));
    const printed = new Map(usages.map(({ usage }) => [usage.name, synopses(usage)]));
    // A code span that starts with a command and shows options in brackets or angle brackets: a synopsis.
    const shown = [...readFileSync(join(REPO, 'README.md'), 'utf8').matchAll(/`(hivebox-gitops ([a-z]+) [^`]*[[<][^`]*)`/g)];
    expect(new Set(shown.map((match) => match[2]))).toEqual(new Set(printed.keys()));
    for (const [, span, command] of shown) expect(printed.get(command!), span).toContain(span!.replaceAll('\\|', '|'));
  });
});

describe('the README says where staging and prod may differ as the parity rule does', () => {
  it('the Parity paragraph and the parity fix name the allow-list of src/validate/checks/parity.ts', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain(`differing only in ${ALLOW_LIST_DESCRIPTION} (the allow-list`);
    expect(RULES.find((rule) => rule.id === 'parity')!.fix).toContain(ALLOW_LIST_DESCRIPTION);
  });
});

describe('runbooks match the commands', () => {
  const invocations = documentedInvocations();

  it('show promote and status, with the options they document', () => {
    const shown = new Set(invocations.map((i) => `${i.command} ${i.flags.join(' ')}`));
    expect(shown).toContain('promote --from --to');
    expect(shown).toContain('promote --to --image --commit');
    expect([...shown].some((s) => s.startsWith('status') && s.includes('--wait'))).toBe(true);
  });

  it("only use commands and options the CLI has (checked against each command's --help)", async () => {
    const help = new Map<string, string>();
    for (const { file, command, flags } of invocations) {
      if (command === 'test' || command === 'typecheck' || command === 'lint' || command === 'format' || command === 'bench') continue; // plain npm scripts
      if (!help.has(command)) {
        let out = '';
        const code = await main([command, '--help'], {
          cwd: REPO,
          env: {},
          stdout: { write: (t: string) => (out += t) },
          stderr: { write: (t: string) => (out += t) },
        });
        expect(code, `${file}: hivebox-gitops ${command} exists`).toBe(0);
        help.set(command, out);
      }
      for (const flag of flags) expect(help.get(command), `${file}: ${command} ${flag}`).toMatch(new RegExp(`${flag}\\b`));
    }
  });
});
