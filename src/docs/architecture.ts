/**
 * docs/architecture.md, generated from the Argo CD trees synth plans (argocd/<cluster>/), drawn
 * from the very objects those files are written from (src/argocd hands them over with each file):
 * a Mermaid diagram of every Application (grouped by cluster and AppProject), what it
 * deploys (a folder of this repository or a Helm chart at a version) and where
 * (cluster and namespace), followed by the same facts as a table.
 *
 * Image tags are left out on purpose: a promotion changes envs/<env>/ only,
 * and must not rewrite this page.
 */
import { generatedMarkdownHeader } from '../kube/header.ts';

interface Source {
  readonly repoURL?: string;
  readonly path?: string;
  readonly chart?: string;
  readonly targetRevision?: string;
  readonly ref?: string;
}

interface Application {
  readonly kind: 'Application';
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec: {
    readonly project?: string;
    readonly source?: Source;
    readonly sources?: readonly Source[];
    readonly destination?: { readonly name?: string; readonly server?: string; readonly namespace?: string };
    readonly syncPolicy?: { readonly automated?: unknown };
  };
}

interface AppProject {
  readonly kind: 'AppProject';
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec?: { readonly description?: string };
}

export const ARCHITECTURE_PATH = 'docs/architecture.md';
const IN_CLUSTER = 'https://kubernetes.default.svc';

/**
 * `files`: synth's planned YAML outputs, repository-relative path → the documents written to it
 * (src/synth/plan.ts); only argocd/ is read.
 */
export function renderArchitecture(files: ReadonlyMap<string, readonly unknown[]>): string {
  const { applications, projects } = collect(files);
  const ownRepo = mostCommonRepo(applications);
  const lines: string[] = [
    generatedMarkdownHeader('the Argo CD tree in argocd/').trimEnd(),
    '# Architecture: what Argo CD deploys',
    '',
    'Generated from `argocd/` on every `npm run synth`, so it cannot drift from what Argo CD applies.',
    'Each cluster runs its own Argo CD, which deploys only to that cluster. Dashed arrows: each cluster\'s `root` Application manages every Application and AppProject in `argocd/<cluster>/`.',
    'Step: the order in which a cluster converges (the `hivebox.dev/sync-step` label): an Application needs the CRDs of the steps before it. Automatically synced Applications follow it as sync waves; on a manually synced cluster a person syncs step by step.',
    `Solid arrows: what an Application deploys (a folder of ${ownRepo ? `\`${ownRepo}\`` : 'this repository'} or a Helm chart) and where (cluster / namespace).`,
    '',
    '```mermaid',
    'flowchart LR',
    ...diagram(applications, projects, ownRepo).map((line) => `  ${line}`),
    '```',
    '',
    '| Cluster | Application | Project | Deploys | Into namespace | Sync | Step |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...applications.map(
      (app) =>
        `| ${clusterOf(app)} | ${app.metadata.name} | ${app.spec.project ?? 'default'} | ${deployedSources(app)
          .map((source) => describeSource(source, ownRepo).replace(/\|/g, '\\|'))
          .join('<br>')} | ${app.spec.destination?.namespace ?? '-'} | ${syncOf(app)} | ${app.metadata.labels?.['hivebox.dev/sync-step'] ?? '-'} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

function collect(files: ReadonlyMap<string, readonly unknown[]>): { applications: Application[]; projects: AppProject[] } {
  const applications: Application[] = [];
  const projects: AppProject[] = [];
  for (const [path, documents] of files) {
    if (!path.startsWith('argocd/') || !/\.ya?ml$/.test(path)) continue;
    for (const document of documents) {
      const object = document as { apiVersion?: string; kind?: string } | null;
      if (!object || !object.apiVersion?.startsWith('argoproj.io/')) continue;
      if (object.kind === 'Application') applications.push(object as Application);
      if (object.kind === 'AppProject') projects.push(object as AppProject);
    }
  }
  const key = (o: { metadata: { name: string; labels?: Readonly<Record<string, string>> } }) => `${o.metadata.labels?.['hivebox.dev/cluster'] ?? ''}/${o.metadata.name}`;
  const byName = <T extends { metadata: { name: string; labels?: Readonly<Record<string, string>> } }>(a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  return { applications: applications.sort(byName), projects: projects.sort(byName) };
}

function diagram(applications: readonly Application[], projects: readonly AppProject[], ownRepo: string | undefined): string[] {
  const out: string[] = [];
  const appNode = (app: Application) => id('app', `${clusterOf(app)}/${app.metadata.name}`);

  // Sources on the left.
  const sources = new Map<string, string>();
  for (const app of applications) {
    for (const source of deployedSources(app)) sources.set(sourceId(source, ownRepo), describeSource(source, ownRepo));
  }
  out.push('subgraph sources["Sources"]');
  for (const [id, label] of [...sources].sort()) out.push(`  ${id}[/"${escape(label)}"/]`);
  out.push('end');

  // Each cluster's Argo CD in the middle, one box per AppProject; its namespaces on the right.
  const clusters = [...new Set(applications.map(clusterOf))].sort();
  for (const cluster of clusters) {
    const apps = applications.filter((app) => clusterOf(app) === cluster);
    const projectNames = [
      ...new Set([...projects.filter((p) => (p.metadata.labels?.['hivebox.dev/cluster'] ?? cluster) === cluster).map((p) => p.metadata.name), ...apps.map((a) => a.spec.project ?? 'default')]),
    ].sort();
    out.push(`subgraph ${id('argocd', cluster)}["Argo CD on ${escape(cluster)}"]`);
    for (const project of projectNames) {
      out.push(`  subgraph ${id('project', `${cluster}/${project}`)}["AppProject ${escape(project)}"]`);
      for (const app of apps.filter((a) => (a.spec.project ?? 'default') === project)) out.push(`    ${appNode(app)}["${escape(app.metadata.name)}<br/>${syncOf(app)}"]`);
      out.push('  end');
    }
    out.push('end');
    const namespaces = new Set(apps.map((app) => app.spec.destination?.namespace ?? '(none)'));
    out.push(`subgraph ${id('cluster', cluster)}["cluster ${escape(cluster)}"]`);
    for (const namespace of [...namespaces].sort()) out.push(`  ${id('ns', `${cluster}/${namespace}`)}(["${escape(namespace)}"])`);
    out.push('end');
    const root = apps.find((app) => deployedSources(app).some((s) => s.repoURL === ownRepo && s.path === `argocd/${cluster}`));
    if (root) {
      for (const project of projectNames.filter((p) => p !== root.spec.project)) out.push(`${appNode(root)} -.-> ${id('project', `${cluster}/${project}`)}`);
    }
  }

  for (const app of applications) {
    for (const source of deployedSources(app)) out.push(`${sourceId(source, ownRepo)} --> ${appNode(app)}`);
    out.push(`${appNode(app)} --> ${id('ns', `${clusterOf(app)}/${app.spec.destination?.namespace ?? '(none)'}`)}`);
  }
  return out;
}

/** The sources that put something on the cluster; `ref:` sources only lend value files. */
function deployedSources(app: Application): Source[] {
  const sources = app.spec.sources ?? (app.spec.source ? [app.spec.source] : []);
  return sources.filter((source) => source.ref === undefined || source.chart !== undefined || source.path !== undefined);
}

function describeSource(source: Source, ownRepo: string | undefined): string {
  if (source.chart) return `chart ${source.chart} ${source.targetRevision ?? ''} (${hostAndPath(source.repoURL)})`.replace(/ {2,}/g, ' ');
  const where = source.repoURL === ownRepo ? '' : `${hostAndPath(source.repoURL)} `;
  const revision = source.repoURL === ownRepo ? '' : ` @ ${source.targetRevision ?? 'HEAD'}`;
  return `${where}${source.path ?? '.'}/${revision}`;
}

function sourceId(source: Source, ownRepo: string | undefined): string {
  if (source.chart) return id('chart', `${source.chart}_${source.targetRevision ?? ''}`);
  if (source.repoURL === ownRepo) return id('path', source.path ?? '.');
  return id('git', `${hostAndPath(source.repoURL)}_${source.path ?? '.'}_${source.targetRevision ?? ''}`);
}

function clusterOf(app: Application): string {
  // Each cluster's Argo CD deploys to its own cluster; the label says which one that is.
  const label = app.metadata.labels?.['hivebox.dev/cluster'];
  if (label) return label;
  const destination = app.spec.destination ?? {};
  if (destination.name) return destination.name;
  if (!destination.server || destination.server === IN_CLUSTER) return 'in-cluster';
  return destination.server.replace(/^https?:\/\//, '');
}

function syncOf(app: Application): string {
  return app.spec.syncPolicy?.automated ? 'auto-sync' : 'manual sync';
}

function mostCommonRepo(applications: readonly Application[]): string | undefined {
  const counts = new Map<string, number>();
  for (const app of applications) {
    for (const source of app.spec.sources ?? (app.spec.source ? [app.spec.source] : [])) {
      if (source.repoURL && !source.chart) counts.set(source.repoURL, (counts.get(source.repoURL) ?? 0) + 1);
    }
  }
  return [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))[0]?.[0];
}

function hostAndPath(url: string | undefined): string {
  return (url ?? '').replace(/^[a-z]+:\/\//, '').replace(/\.git$/, '').replace(/\/$/, '');
}

/** Mermaid node ids: letters, digits and underscores only, unique per kind. */
function id(kind: string, name: string): string {
  return `${kind}_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/** Mermaid labels in double quotes take HTML entities, not backslash escapes. */
function escape(text: string): string {
  return text.replace(/"/g, '#quot;');
}
