/**
 * argocd-rbac: what each cluster's Argo CD lets people do, from the argo-cd
 * values (configs.rbac → argocd-rbac-cm, configs.cm → argocd-cm) and the
 * AppProjects' roles, replayed the way Argo CD 3.x enforces it:
 *
 * - the policy is the built-in CSV (assets/builtin-policy.csv), policy.csv and
 *   every other `policy.<name>.csv` key, one casbin line each (`#` comments);
 * - `p, <subject>, <resource>, <action>, <object>, allow|deny`; a request is
 *   allowed when some matching line of the subject or a role it holds (`g,`
 *   lines, transitively) allows and none denies; objects of applications are
 *   `<project>/<app>` (`<project>/<namespace>/<app>` outside Argo CD's namespace);
 * - tokens match as gobwas globs without separators (`*` crosses `/`), or as
 *   unanchored regular expressions under `policy.matchMode: regex`;
 * - `policy.default` is tried first for every signed-in user (and for anonymous
 *   ones, were they enabled), and no `deny` can take its grants away;
 * - the local admin user holds role:admin through the built-in policy unless
 *   `admin.enabled` is "false" (the chart's default is true).
 *
 * Findings: a default role that can do more than `get`; anyone holding every
 * action on every resource (a `*, *, *` line, or role:admin); and, on a cluster
 * with Applications that only a person syncs, anyone but role:release (or a
 * group mapped only to it) who may sync them.
 */
import { CLUSTER_LABEL } from '../../argocd/naming.ts';
import { type Report, type RepositoryCheck, type RepositoryRules, rule } from '../check.ts';
import { asArray, asObject } from '../workloads.ts';
import { anchorOf, applications, argoCdClusters, argoCdValues, filesOf, valueAt, type ArgoApplication } from './argocd.ts';

const RULE = 'argocd-rbac';
export const RELEASE_ROLE = 'role:release';
const ADMIN_ROLE = 'role:admin';
const ADMIN_USER = 'admin';

/** assets/builtin-policy.csv of Argo CD 3.4. */
export const BUILTIN_POLICY = `
p, role:readonly, applications, get, */*, allow
p, role:readonly, applicationsets, get, */*, allow
p, role:readonly, certificates, get, *, allow
p, role:readonly, clusters, get, *, allow
p, role:readonly, repositories, get, *, allow
p, role:readonly, write-repositories, get, *, allow
p, role:readonly, projects, get, *, allow
p, role:readonly, accounts, get, *, allow
p, role:readonly, gpgkeys, get, *, allow
p, role:readonly, logs, get, */*, allow
p, role:admin, applications, create, */*, allow
p, role:admin, applications, update, */*, allow
p, role:admin, applications, update/*, */*, allow
p, role:admin, applications, delete, */*, allow
p, role:admin, applications, delete/*, */*, allow
p, role:admin, applications, sync, */*, allow
p, role:admin, applications, override, */*, allow
p, role:admin, applications, action/*, */*, allow
p, role:admin, applicationsets, get, */*, allow
p, role:admin, applicationsets, create, */*, allow
p, role:admin, applicationsets, update, */*, allow
p, role:admin, applicationsets, delete, */*, allow
p, role:admin, certificates, create, *, allow
p, role:admin, certificates, update, *, allow
p, role:admin, certificates, delete, *, allow
p, role:admin, clusters, create, *, allow
p, role:admin, clusters, update, *, allow
p, role:admin, clusters, delete, *, allow
p, role:admin, repositories, create, *, allow
p, role:admin, repositories, update, *, allow
p, role:admin, repositories, delete, *, allow
p, role:admin, write-repositories, create, *, allow
p, role:admin, write-repositories, update, *, allow
p, role:admin, write-repositories, delete, *, allow
p, role:admin, projects, create, *, allow
p, role:admin, projects, update, *, allow
p, role:admin, projects, delete, *, allow
p, role:admin, accounts, update, *, allow
p, role:admin, gpgkeys, create, *, allow
p, role:admin, gpgkeys, delete, *, allow
p, role:admin, exec, create, */*, allow
g, role:admin, role:readonly
g, admin, role:admin
`;

export interface PolicyLine {
  readonly subject: string;
  readonly resource: string;
  readonly action: string;
  readonly object: string;
  readonly effect: string;
  /** The line as written, for messages. */
  readonly text: string;
}

export interface Policy {
  readonly lines: readonly PolicyLine[];
  /** `g, <member>, <role>`: member → roles. */
  readonly grants: ReadonlyMap<string, readonly string[]>;
  readonly errors: readonly string[];
}

/** One CSV record the way Go's encoding/csv reads it with TrimLeadingSpace (quotes allowed). */
function csvFields(line: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return undefined;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ',') return undefined;
    } else {
      const end = line.indexOf(',', i);
      field = end < 0 ? line.slice(i) : line.slice(i, end);
      if (field.includes('"')) return undefined;
      i = end < 0 ? line.length : end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

/** Parses policy CSV text (several sources concatenated) as Argo CD's adapter does. */
export function parsePolicy(...sources: readonly string[]): Policy {
  const lines: PolicyLine[] = [];
  const grants = new Map<string, string[]>();
  const errors: string[] = [];
  for (const raw of sources.join('\n').split('\n')) {
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) continue;
    const fields = csvFields(text);
    if (
      !fields ||
      fields[0] === '' ||
      (fields[0] === 'g' && fields.length !== 3) ||
      (fields[0] === 'p' && fields.length !== 6) ||
      (fields[0] !== 'p' && fields[0] !== 'g')
    ) {
      errors.push(
        `invalid RBAC policy line "${text}": expected "p, <subject>, <resource>, <action>, <object>, <allow|deny>" or "g, <subject>, <role>"`,
      );
      continue;
    }
    if (fields[0] === 'g') grants.set(fields[1]!, [...(grants.get(fields[1]!) ?? []), fields[2]!]);
    else lines.push({ subject: fields[1]!, resource: fields[2]!, action: fields[3]!, object: fields[4]!, effect: fields[5]!, text });
  }
  return { lines, grants, errors };
}

/** A gobwas/glob pattern (no separators) as an anchored regular expression; undefined when it does not compile. */
export function globRegExp(pattern: string): RegExp | undefined {
  let out = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      if (i + 1 >= pattern.length) return undefined;
      out += escape(pattern[++i]!);
    } else if (c === '*') {
      while (pattern[i + 1] === '*') i++;
      out += '[\\s\\S]*';
    } else if (c === '?') {
      out += '[\\s\\S]';
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) return undefined;
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      if (body === '') return undefined;
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else if (c === '{') {
      depth++;
      out += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      out += ')';
    } else if (c === ',' && depth > 0) {
      out += '|';
    } else {
      out += escape(c);
    }
  }
  if (depth !== 0) return undefined;
  return new RegExp(`^${out}$`);
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export type MatchMode = 'glob' | 'regex';

export function tokenMatches(value: string, pattern: string, mode: MatchMode): boolean {
  if (mode === 'regex') {
    try {
      return new RegExp(pattern).test(value);
    } catch {
      return false;
    }
  }
  return globRegExp(pattern)?.test(value) ?? false;
}

/**
 * The subject and every role it holds through `g` lines, transitively (casbin's default role
 * manager: exact names), leaving out `except` and whatever is reached only through it.
 */
export function rolesOf(policy: Policy, subject: string, except?: string): Set<string> {
  const roles = new Set([subject]);
  const queue = [subject];
  while (queue.length > 0) {
    for (const role of policy.grants.get(queue.shift()!) ?? []) {
      if (!roles.has(role) && role !== except) {
        roles.add(role);
        queue.push(role);
      }
    }
  }
  return roles;
}

function matches(line: PolicyLine, mode: MatchMode, resource: string, action: string, object: string): boolean {
  return tokenMatches(resource, line.resource, mode) && tokenMatches(action, line.action, mode) && tokenMatches(object, line.object, mode);
}

/** casbin with Argo CD's model: some matching allow and no matching deny, for the subject and its roles. */
export function allows(policy: Policy, mode: MatchMode, subject: string, resource: string, action: string, object: string): boolean {
  const roles = rolesOf(policy, subject);
  let allowed = false;
  for (const line of policy.lines) {
    if (!roles.has(line.subject) || !matches(line, mode, resource, action, object)) continue;
    if (line.effect === 'deny') return false;
    if (line.effect === 'allow') allowed = true;
  }
  return allowed;
}

const isGlobAll = (pattern: string) => /^\*+$/.test(pattern);
const isObjectAll = (pattern: string) => pattern.split('/').every(isGlobAll);

/** Only `get` (allowed), whatever it reaches: what a default role may grant everyone. */
function readOnly(policy: Policy, role: string): boolean {
  const roles = rolesOf(policy, role);
  return policy.lines.filter((line) => roles.has(line.subject) && line.effect === 'allow').every((line) => line.action === 'get');
}

/** `<project>/<app>`, or `<project>/<namespace>/<app>` for an Application outside Argo CD's namespace. */
function objectOf(app: ArgoApplication): string {
  return app.namespace === 'argocd' ? `${app.project}/${app.name}` : `${app.project}/${app.namespace}/${app.name}`;
}

/** The roles the AppProjects define (proj:<project>:<role>) and the groups mapped to them, as Argo CD adds them per project. */
function projectPolicies(repository: Parameters<RepositoryCheck>[0], cluster: string): string[] {
  const lines: string[] = [];
  for (const view of repository.scopes.values()) {
    for (const project of view.manifests.filter((m) => m.kind === 'AppProject' && String(m.apiVersion).startsWith('argoproj.io/'))) {
      const label = project.metadata.labels?.[CLUSTER_LABEL];
      if (label !== undefined && label !== cluster) continue;
      for (const role of asArray(asObject(project.spec).roles)) {
        const name = `proj:${project.metadata.name}:${String(asObject(role).name)}`;
        lines.push(...asArray(asObject(role).policies).map(String));
        lines.push(...asArray(asObject(role).groups).map((group) => `g, ${String(group)}, ${name}`));
      }
    }
  }
  return lines;
}

export const argocdRbacCheck: RepositoryCheck = (repository, reportIn) => {
  const apps = applications(repository);
  for (const cluster of argoCdClusters(repository, apps)) {
    const anchor = anchorOf(apps, cluster);
    if (!anchor) continue;
    const report: Report = reportIn(anchor.app.scope);
    const values = argoCdValues(repository, cluster);
    if (!values) {
      report(
        RULE,
        anchor.app.manifest,
        anchor.path,
        `cluster ${cluster} has no Argo CD values (charts/argo-cd/values-${cluster}.yaml): its Argo CD runs the chart's defaults, where the local admin user holds role:admin, every action on every Application`,
      );
      continue;
    }
    const where = filesOf(values);
    const say = (message: string) => report(RULE, anchor.app.manifest, anchor.path, `Argo CD on ${cluster} (${where}): ${message}`);
    const rbac = asObject(valueAt(values.values, ['configs', 'rbac']));
    if (rbac.create === false) {
      say('configs.rbac.create is false: argocd-rbac-cm is not rendered from this repository, so nothing here says who may do what');
      continue;
    }
    const mode: MatchMode = rbac['policy.matchMode'] === 'regex' ? 'regex' : 'glob';
    const defaultRole = String(rbac['policy.default'] ?? '');
    const extra = Object.keys(rbac)
      .filter((key) => key.startsWith('policy.') && key.endsWith('.csv') && key !== 'policy.csv')
      .sort();
    const userText = [rbac['policy.csv'], ...extra.map((key) => rbac[key])]
      .map((text) => (typeof text === 'string' ? text : ''))
      .join('\n');
    const user = parsePolicy(userText);
    const projectLines = projectPolicies(repository, cluster);
    const policy = parsePolicy(BUILTIN_POLICY, userText, ...projectLines);
    const adminEnabled = String(valueAt(values.values, ['configs', 'cm', 'admin.enabled']) ?? true) !== 'false';

    for (const error of policy.errors) say(error);

    if (defaultRole !== '' && !readOnly(policy, defaultRole)) {
      say(`policy.default "${defaultRole}" grants every user more than read access; use "" or a role with only \`get\``);
    }
    for (const line of user.lines) {
      if (line.effect === 'allow' && isGlobAll(line.resource) && isGlobAll(line.action) && isObjectAll(line.object)) {
        say(`"${line.text}" gives ${line.subject} every action on every resource`);
      }
    }
    for (const [member, roles] of user.grants) {
      if (roles.includes(ADMIN_ROLE)) say(`"g, ${member}, ${ADMIN_ROLE}" gives ${member} every action on every resource (role:admin)`);
    }
    if (adminEnabled)
      say('the local admin user is enabled (configs.cm admin.enabled is not "false") and holds role:admin: every action on every resource');

    // Who may sync what only a person syncs.
    const manual = apps.filter((app) => app.cluster === cluster && !app.automated);
    if (manual.length === 0) continue;
    const subjects = new Set<string>();
    const projectPolicy = parsePolicy(...projectLines);
    for (const p of [user, projectPolicy]) {
      for (const line of p.lines) subjects.add(line.subject);
      for (const [member, roles] of p.grants) [member, ...roles].forEach((s) => subjects.add(s));
    }
    if (defaultRole !== '') subjects.add(defaultRole);
    if (adminEnabled) subjects.add(ADMIN_USER);
    // Argo CD tries policy.default before the user's own subjects, so the default role is a subject of its own here.
    // A subject may sync through role:release (a group mapped to it); what is reported is a sync it gets any other way.
    for (const subject of [...subjects].sort()) {
      if (subject === RELEASE_ROLE) continue;
      const others = rolesOf(policy, subject, RELEASE_ROLE);
      const syncable = manual.filter((app) => {
        const object = objectOf(app);
        if (!allows(policy, mode, subject, 'applications', 'sync', object)) return false;
        return policy.lines.some(
          (line) => line.effect === 'allow' && others.has(line.subject) && matches(line, mode, 'applications', 'sync', object),
        );
      });
      if (syncable.length === 0) continue;
      const via = subject === defaultRole ? ' (policy.default: every user)' : '';
      say(
        `${subject}${via} may sync ${syncable.map((app) => app.name).join(', ')}, which only a person syncs: only ${RELEASE_ROLE} (and who holds it) may`,
      );
    }
  }
};

export const argocdRbacRules: RepositoryRules = {
  rules: [
    rule(
      'argocd-rbac',
      'security',
      "Each cluster's Argo CD RBAC: policy.default read-only or empty, nobody holds every action on everything, only role:release syncs Applications that a person syncs",
      'Fix configs.rbac in charts/argo-cd/values-<cluster>.yaml (policy.csv, policy.default) or set configs.cm admin.enabled: "false"; give sync on manually synced Applications to role:release only.',
    ),
  ],
  checkRepository: argocdRbacCheck,
};
