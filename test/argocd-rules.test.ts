/**
 * The Argo CD configuration rules, notification-subscription and argocd-rbac,
 * on in-memory Applications and argo-cd values (validateManifests: no files,
 * no kustomize): a configuration that breaks each guarantee is reported, the
 * compliant variant is not.
 */
import { describe, expect, it } from 'vitest';
import type { ChartValues, Values } from '../src/platform/values.ts';
import type { Manifest } from '../src/kube/manifest.ts';
import { allows, globRegExp, parsePolicy, tokenMatches } from '../src/validate/checks/argocd-rbac.ts';
import { subscriptionsOf } from '../src/validate/checks/notifications.ts';
import { validateManifests } from '../src/validate/index.ts';

// Parsed YAML: the tests change it freely.
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface AppOptions {
  cluster?: string;
  project?: string;
  automated?: boolean;
  annotations?: Record<string, string>;
  /** Name the cluster only through spec.destination.name (the layout before one Argo CD per cluster). */
  byDestination?: boolean;
}

function application(name: string, options: AppOptions = {}): Any {
  const { cluster = 'prod', project = 'hivebox', automated = false, annotations = {}, byDestination = false } = options;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd', labels: byDestination ? {} : { 'hivebox.dev/cluster': cluster }, annotations },
    spec: {
      project,
      source: { repoURL: 'https://github.com/example/gitops.git', targetRevision: 'main', path: `envs/${name}` },
      destination: byDestination ? { name: cluster, namespace: name } : { server: 'https://kubernetes.default.svc', namespace: name },
      syncPolicy: automated ? { automated: { prune: true, selfHeal: true } } : {},
    },
  };
}

const SUBSCRIBE = 'notifications.argoproj.io/subscribe.';
const subscribed = (name: string, subscriptions: Record<string, string>, options: AppOptions = {}) =>
  application(name, {
    ...options,
    annotations: Object.fromEntries(Object.entries(subscriptions).map(([k, v]) => [`${SUBSCRIBE}${k}`, v])),
  });

const TEMPLATE = `message: Application {{.app.metadata.name}} sync failed.
pagerdutyv2:
  summary: "{{.app.metadata.name}} sync failed"
  severity: critical
  source: "{{.app.spec.destination.namespace}}"
`;

/** A notifications configuration every test below starts from, then breaks. */
function notifications(): Any {
  return {
    notifiers: {
      'service.slack': 'token: $slack-token\n',
      'service.pagerdutyv2': 'serviceKeys:\n  hivebox: $pagerduty-routing-key-hivebox\n',
    },
    triggers: {
      'trigger.on-sync-failed': "- when: app.status.operationState.phase in ['Error', 'Failed']\n  send: [app-sync-failed]\n",
    },
    templates: { 'template.app-sync-failed': TEMPLATE },
  };
}

/** argo-cd values of one cluster that pass both rules. */
function compliant(): Any {
  return {
    configs: {
      cm: { 'admin.enabled': false },
      rbac: {
        'policy.default': '',
        'policy.csv': [
          'p, role:viewer, applications, get, */*, allow',
          'p, role:release, applications, sync, */*, allow',
          'g, role:release, role:viewer',
          'g, hivebox-release, role:release',
          'g, hivebox-developers, role:viewer',
        ].join('\n'),
      },
    },
    notifications: notifications(),
  };
}

const values = (cluster: string, v: Values): ChartValues => ({
  component: 'argo-cd',
  cluster,
  files: [`charts/argo-cd/values.yaml`, `charts/argo-cd/values-${cluster}.yaml`],
  values: v,
});

function findings(rule: string, apps: Any[], chartValues: ChartValues[], extra: Any[] = []): string[] {
  const report = validateManifests({ scopes: [{ name: 'argocd', manifests: [...apps, ...extra] as Manifest[] }], chartValues });
  return report.findings.filter((f) => f.ruleId === rule).map((f) => `${f.resource.name} ${f.path}: ${f.message}`);
}

const PROD_APP = () => subscribed('hivebox-prod', { 'on-sync-failed.slack': 'hivebox-prod', 'on-sync-failed.pagerdutyv2': 'hivebox' });

describe('notification-subscription', () => {
  const check = (apps: Any[], v: Any | null = compliant(), cluster = 'prod') =>
    findings('notification-subscription', apps, v ? [values(cluster, v)] : []);

  it('passes subscriptions that resolve to a trigger, templates with the blocks their services need, and configured services', () => {
    expect(check([PROD_APP()])).toEqual([]);
  });

  it('reports every subscription of a cluster whose Argo CD has no values in the repository', () => {
    expect(check([PROD_APP()], null)).toEqual([
      expect.stringMatching(
        /^hivebox-prod metadata\.annotations\["notifications\.argoproj\.io\/subscribe\.on-sync-failed\.pagerdutyv2"\]: .*cluster prod has no Argo CD values/,
      ),
      expect.stringMatching(
        /^hivebox-prod metadata\.annotations\["notifications\.argoproj\.io\/subscribe\.on-sync-failed\.slack"\]: .*cluster prod has no Argo CD values/,
      ),
    ]);
  });

  it('resolves in the values of the cluster the Application belongs to: its label, else its destination name', () => {
    const nonprodOnly = values('nonprod', compliant());
    expect(findings('notification-subscription', [PROD_APP()], [nonprodOnly])).toHaveLength(2);
    expect(
      findings('notification-subscription', [subscribed('a', { 'on-sync-failed.slack': 'x' }, { cluster: 'nonprod' })], [nonprodOnly]),
    ).toEqual([]);
    expect(
      findings(
        'notification-subscription',
        [subscribed('a', { 'on-sync-failed.slack': 'x' }, { cluster: 'nonprod', byDestination: true })],
        [nonprodOnly],
      ),
    ).toEqual([]);
    expect(
      findings(
        'notification-subscription',
        [subscribed('a', { 'on-sync-failed.slack': 'x' }, { cluster: 'prod', byDestination: true })],
        [nonprodOnly],
      ),
    ).toHaveLength(1);
  });

  it('reports a trigger that is not defined', () => {
    expect(check([subscribed('hivebox-prod', { 'on-deployed.slack': 'releases' })])).toEqual([
      expect.stringContaining('trigger "on-deployed" is not defined: expected notifications.triggers "trigger.on-deployed"'),
    ]);
  });

  it('reports a template the trigger sends that is not defined', () => {
    const v = compliant();
    delete v.notifications.templates['template.app-sync-failed'];
    expect(check([PROD_APP()], v)).toEqual([
      expect.stringContaining('sends template "app-sync-failed", which is not defined'),
      expect.stringContaining('sends template "app-sync-failed", which is not defined'),
    ]);
  });

  it('requires a pagerdutyv2 block for pagerdutyv2, while Slack falls back to the message', () => {
    const v = compliant();
    v.notifications.templates['template.app-sync-failed'] = 'message: Application {{.app.metadata.name}} sync failed.\n';
    expect(check([PROD_APP()], v)).toEqual([
      expect.stringContaining('template "app-sync-failed" has no pagerdutyv2 block, and pagerdutyv2 sends nothing without one'),
    ]);
    v.notifications.templates['template.app-sync-failed'] = 'pagerdutyv2:\n  summary: s\n  severity: critical\n  source: s\n';
    expect(check([PROD_APP()], v)).toEqual([
      expect.stringContaining('template "app-sync-failed" has neither a message nor a slack block for service "slack"'),
    ]);
  });

  it('reports a pagerdutyv2 block with a misspelt or missing field, or a severity PagerDuty refuses', () => {
    const v = compliant();
    v.notifications.templates['template.app-sync-failed'] = TEMPLATE.replace('severity: critical', 'severty: critical');
    expect(check([PROD_APP()], v)).toEqual([
      expect.stringContaining('pagerdutyv2 block has unknown keys severty'),
      expect.stringContaining('pagerdutyv2 block lacks severity'),
    ]);
    v.notifications.templates['template.app-sync-failed'] = TEMPLATE.replace('severity: critical', 'severity: high');
    expect(check([PROD_APP()], v)).toEqual([
      expect.stringContaining('pagerdutyv2 severity "high" is not one of critical, error, warning, info'),
    ]);
  });

  it('names the service by its key: service.<type> is <type>, service.<type>.<name> is <name>', () => {
    const legacy = subscribed('hivebox-prod', { 'on-sync-failed.pagerduty': 'hivebox' });
    expect(check([legacy])).toEqual([
      expect.stringContaining(
        'service "pagerduty" is not configured: expected notifications.notifiers "service.pagerduty" or "service.<type>.pagerduty" (configured: pagerdutyv2, slack)',
      ),
    ]);
    const v = compliant();
    v.notifications.notifiers['service.pagerdutyv2.pagerduty'] = v.notifications.notifiers['service.pagerdutyv2'];
    delete v.notifications.notifiers['service.pagerdutyv2'];
    expect(check([legacy], v)).toEqual([]);
  });

  it('reports an empty recipient (Slack would post to no channel)', () => {
    expect(check([subscribed('hivebox-prod', { 'on-sync-failed.slack': '' })])).toEqual([
      expect.stringContaining('service "slack" has an empty recipient'),
    ]);
  });

  it('reports a recipient that is not one of the service keys of pagerdutyv2', () => {
    expect(check([subscribed('hivebox-prod', { 'on-sync-failed.pagerdutyv2': 'hivebox;payments' })])).toEqual([
      expect.stringContaining('recipient "payments" is not a key of serviceKeys in "service.pagerdutyv2" (hivebox)'),
    ]);
  });

  it('reports a configuration notifications-engine rejects as a whole, and keys it would ignore', () => {
    const v = compliant();
    v.notifications.notifiers['service.slack.alerts.extra'] = 'token: x\n';
    v.notifications.notifiers['service.pager'] = 'x: y\n';
    v.notifications.triggers['trigger.on-sync-failed'] = "- when: 'true'\n  send: [app-sync-failed]\n  sent: [x]\n";
    v.notifications.templates['template.app-sync-failed'] = `${TEMPLATE}pagerduty-v2:\n  summary: x\n`;
    expect(check([PROD_APP()], v)).toEqual([
      expect.stringContaining('"service.pager": service type "pager" is not supported'),
      expect.stringContaining('invalid service key "service.slack.alerts.extra"'),
      expect.stringContaining('"template.app-sync-failed" has unknown keys pagerduty-v2'),
      expect.stringContaining('"trigger.on-sync-failed" has unknown condition keys sent'),
    ]);
  });

  it('without a trigger in the annotation, uses defaultTriggers.<service>, then defaultTriggers', () => {
    const app = () => subscribed('hivebox-prod', { slack: 'hivebox-prod' });
    expect(check([app()])).toEqual([expect.stringContaining('subscribes without a trigger, and no default trigger is configured')]);
    const v = compliant();
    v.notifications.triggers.defaultTriggers = '- on-sync-failed\n';
    expect(check([app()], v)).toEqual([]);
    v.notifications.triggers['defaultTriggers.slack'] = '- on-deployed\n';
    expect(check([app()], v)).toEqual([expect.stringContaining('trigger "on-deployed" is not defined')]);
  });

  it('checks the global subscriptions and default triggers of the configuration too', () => {
    const v = compliant();
    v.notifications.subscriptions = [{ recipients: ['slack:platform', 'email:ops'], triggers: ['on-sync-failed'] }];
    v.notifications.triggers.defaultTriggers = '- on-created\n';
    expect(check([PROD_APP()], v)).toEqual([
      expect.stringContaining('defaultTriggers names trigger "on-created", which is not defined'),
      expect.stringContaining('notifications.subscriptions[0] email:ops: service "email" is not configured'),
    ]);
  });

  it("reports subscriptions when the notifications controller or its ConfigMap is not this repository's", () => {
    const v = compliant();
    v.notifications.enabled = false;
    expect(check([PROD_APP()], v)).toEqual([
      expect.stringContaining('notifications controller of cluster prod is disabled'),
      expect.stringContaining('disabled'),
    ]);
  });

  it('reads annotations the way notifications-engine does: first part trigger, second service, recipients split on ";"', () => {
    expect(
      subscriptionsOf({ [`${SUBSCRIBE}on-sync-failed.slack`]: 'a; b;', [`${SUBSCRIBE}slack`]: 'c', other: 'x' }).subscriptions,
    ).toEqual([
      {
        trigger: 'on-sync-failed',
        service: 'slack',
        recipients: ['a', 'b'],
        path: `metadata.annotations["${SUBSCRIBE}on-sync-failed.slack"]`,
      },
      { trigger: '', service: 'slack', recipients: ['c'], path: `metadata.annotations["${SUBSCRIBE}slack"]` },
    ]);
    const { subscriptions, problems } = subscriptionsOf({
      [`${SUBSCRIBE}on.sync.slack`]: 'a',
      'notifications.argoproj.io/subscriptions':
        '- trigger: [on-sync-failed]\n  destinations:\n    - service: slack\n      recipients: [x, y]\n',
    });
    expect(subscriptions.map((s) => `${s.trigger}/${s.service}/${s.recipients.join(',')}`)).toEqual([
      'on/sync/a',
      'on-sync-failed/slack/x,y',
    ]);
    expect(problems.map((p) => p.message)).toEqual([expect.stringContaining('reads trigger "on" and service "sync"')]);
  });
});

describe('argocd-rbac', () => {
  const manualApps = () => [application('hivebox-prod'), application('cert-manager-prod', { project: 'platform' })];
  const check = (v: Any | undefined, apps: Any[] = manualApps(), extra: Any[] = []) =>
    findings('argocd-rbac', apps, v ? [values('prod', v)] : [], extra);
  const withPolicy = (...lines: string[]) => {
    const v = compliant();
    v.configs.rbac['policy.csv'] = [v.configs.rbac['policy.csv'], ...lines].join('\n');
    return v;
  };

  it('passes: no default role, no local admin, only role:release syncs what a person syncs', () => {
    expect(check(compliant())).toEqual([]);
  });

  it('reports a cluster whose Argo CD has no values (the chart default: admin with role:admin)', () => {
    expect(check(undefined)).toEqual([expect.stringContaining('cluster prod has no Argo CD values')]);
  });

  it('reports the local admin user unless admin.enabled is "false", and what it may sync', () => {
    const v = compliant();
    delete v.configs.cm['admin.enabled'];
    expect(check(v)).toEqual([
      expect.stringContaining('the local admin user is enabled'),
      expect.stringContaining('admin may sync cert-manager-prod, hivebox-prod'),
    ]);
    v.configs.cm['admin.enabled'] = 'false';
    expect(check(v)).toEqual([]);
  });

  it('reports a default role that does more than get; empty, role:readonly and get-only roles pass', () => {
    for (const role of ['', 'role:readonly', 'role:viewer']) {
      const v = compliant();
      v.configs.rbac['policy.default'] = role;
      expect(check(v), role).toEqual([]);
    }
    const v = withPolicy('p, role:everyone, applications, get, */*, allow', 'p, role:everyone, applications, action/*, */*, allow');
    v.configs.rbac['policy.default'] = 'role:everyone';
    expect(check(v)).toEqual([expect.stringContaining('policy.default "role:everyone" grants every user more than read access')]);
  });

  it('reports anyone with every action on every resource: a *, *, * line or role:admin', () => {
    const automated = [application('hivebox-dev', { automated: true })];
    expect(check(withPolicy('p, alice, *, *, */*, allow'), automated)).toEqual([
      expect.stringContaining('"p, alice, *, *, */*, allow" gives alice every action on every resource'),
    ]);
    expect(check(withPolicy('g, ops, role:admin'), automated)).toEqual([
      expect.stringContaining('"g, ops, role:admin" gives ops every action on every resource'),
    ]);
  });

  it('reports every role, group or user but role:release that may sync an Application a person syncs', () => {
    expect(check(withPolicy('p, role:platform, applications, sync, */*, allow', 'g, hivebox-platform, role:platform'))).toEqual([
      expect.stringContaining('hivebox-platform may sync cert-manager-prod, hivebox-prod, which only a person syncs'),
      expect.stringContaining('role:platform may sync cert-manager-prod, hivebox-prod'),
    ]);
    expect(check(withPolicy('p, bob, applications, *, hivebox/*, allow'))).toEqual([expect.stringContaining('bob may sync hivebox-prod,')]);
  });

  it('lets a group sync through role:release, even with other read-only roles, but not through anything else', () => {
    expect(check(withPolicy('g, releasers, role:release', 'g, releasers, role:viewer'))).toEqual([]);
    expect(
      check(withPolicy('p, role:ops, applications, sync, platform/*, allow', 'g, releasers, role:release', 'g, releasers, role:ops')),
    ).toEqual([
      expect.stringContaining('releasers may sync cert-manager-prod,'),
      expect.stringContaining('role:ops may sync cert-manager-prod,'),
    ]);
  });

  it('replays deny, globs over <project>/<app> and the default role', () => {
    expect(check(withPolicy('p, role:ops, applications, sync, */*, allow', 'p, role:ops, applications, sync, hivebox/*, deny'))).toEqual([
      expect.stringMatching(/role:ops may sync cert-manager-prod, which/),
    ]);
    // A comma splits CSV fields, so an alternative is quoted, as casbin's CSV reader needs.
    expect(check(withPolicy('p, role:ops, applications, sync, "{hivebox,other}/hivebox-*", allow'))).toEqual([
      expect.stringMatching(/role:ops may sync hivebox-prod, which/),
    ]);
    const v = withPolicy('p, role:everyone, applications, sync, hivebox/*, allow');
    v.configs.rbac['policy.default'] = 'role:everyone';
    expect(check(v)).toEqual([
      expect.stringContaining('grants every user more than read access'),
      expect.stringContaining('role:everyone (policy.default: every user) may sync hivebox-prod'),
    ]);
  });

  it('ignores Applications Argo CD syncs by itself', () => {
    const automated = [application('hivebox-dev', { automated: true })];
    expect(check(withPolicy('p, role:platform, applications, sync, */*, allow', 'g, hivebox-platform, role:platform'), automated)).toEqual(
      [],
    );
  });

  it("counts the AppProjects' roles and their groups", () => {
    const project = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'hivebox', namespace: 'argocd', labels: { 'hivebox.dev/cluster': 'prod' } },
      spec: { roles: [{ name: 'ci', policies: ['p, proj:hivebox:ci, applications, sync, hivebox/*, allow'], groups: ['ci-bots'] }] },
    };
    expect(check(compliant(), manualApps(), [project])).toEqual([
      expect.stringContaining('ci-bots may sync hivebox-prod,'),
      expect.stringContaining('proj:hivebox:ci may sync hivebox-prod,'),
    ]);
    expect(
      check(compliant(), manualApps(), [{ ...project, metadata: { ...project.metadata, labels: { 'hivebox.dev/cluster': 'nonprod' } } }]),
    ).toEqual([]);
  });

  it('reports a policy line Argo CD cannot load', () => {
    expect(check(withPolicy('p, role:x, applications, sync'), [application('hivebox-dev', { automated: true })])).toEqual([
      expect.stringContaining('invalid RBAC policy line "p, role:x, applications, sync"'),
    ]);
  });

  it('matches with regular expressions under policy.matchMode: regex', () => {
    const v = withPolicy('p, role:ops, applications, sync, ^platform/.*$, allow');
    expect(check(v)).toEqual([]);
    v.configs.rbac['policy.matchMode'] = 'regex';
    expect(check(v)).toEqual([expect.stringMatching(/role:ops may sync cert-manager-prod, which/)]);
  });
});

describe('the casbin replay', () => {
  it('matches tokens as gobwas globs without separators', () => {
    expect(tokenMatches('hivebox/hivebox-prod', '*', 'glob')).toBe(true);
    expect(tokenMatches('hivebox/hivebox-prod', 'hivebox/*', 'glob')).toBe(true);
    expect(tokenMatches('platform/x', 'hivebox/*', 'glob')).toBe(false);
    expect(tokenMatches('a/b', '?/[a-c]', 'glob')).toBe(true);
    expect(tokenMatches('a/d', '?/[!a-c]', 'glob')).toBe(true);
    expect(tokenMatches('x.y', 'x.y', 'glob')).toBe(true);
    expect(tokenMatches('xzy', 'x.y', 'glob')).toBe(false);
    expect(globRegExp('{a,b')).toBeUndefined();
    expect(tokenMatches('hivebox/x', 'hive', 'regex')).toBe(true);
  });

  it('follows g lines transitively and lets a deny win', () => {
    const policy = parsePolicy(
      'p, role:a, applications, sync, */*, allow\ng, role:b, role:a\ng, user, role:b\np, user, applications, sync, x/*, deny',
    );
    expect(allows(policy, 'glob', 'user', 'applications', 'sync', 'y/app')).toBe(true);
    expect(allows(policy, 'glob', 'user', 'applications', 'sync', 'x/app')).toBe(false);
    expect(allows(policy, 'glob', 'role:b', 'applications', 'get', 'y/app')).toBe(false);
  });

  it('reads quoted CSV fields', () => {
    expect(parsePolicy('p, "a, b", applications, get, "*/*", allow').lines[0]).toMatchObject({ subject: 'a, b', object: '*/*' });
  });
});
