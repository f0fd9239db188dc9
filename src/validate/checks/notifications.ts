/**
 * notification-subscription: every Argo CD notification subscription reaches
 * someone. Replays how notifications-engine (the commit Argo CD 3.4 pins,
 * 1dbe3de) reads argocd-notifications-cm and an Application's annotations:
 *
 * - `service.<type>` is the service `<type>`; `service.<type>.<name>` is `<name>`;
 *   any other number of dots, or an unknown type, fails the whole configuration;
 * - `notifications.argoproj.io/subscribe.<trigger>.<service>: a;b` splits the
 *   key on dots (trigger = first part, service = second) and the recipients on
 *   ";"; `subscribe.<service>` uses the service's `defaultTriggers.<service>` or
 *   `defaultTriggers`; `notifications.argoproj.io/subscriptions` holds a list;
 * - a trigger's conditions each `send` templates, which must exist; pagerdutyv2,
 *   pagerduty, github, alertmanager and newrelic send nothing without their own
 *   block in the template, the others fall back to its `message`;
 * - pagerdutyv2 and opsgenie look the recipient up in their serviceKeys / apiKeys.
 *
 * Unknown keys in a template or trigger are reported too: the engine ignores
 * them silently, which is how a misspelt block never pages anyone.
 */
import { parseYamlCached as parse } from '../../toolchain/yaml-cache.ts';
import type { ChartValues } from '../../platform/values.ts';
import { type Report, type RepositoryCheck, type RepositoryRules, rule } from '../check.ts';
import { asArray, asObject, isObject } from '../workloads.ts';
import { anchorOf, applications, argoCdClusters, argoCdValues, filesOf, valueAt, type ArgoApplication } from './argocd.ts';

const RULE = 'notification-subscription';
const SUBSCRIBE_PREFIX = 'notifications.argoproj.io/subscribe.';
const SUBSCRIPTIONS_KEY = 'notifications.argoproj.io/subscriptions';

/** Every service type services.NewService accepts. */
const SERVICE_TYPES = new Set([
  'awssqs',
  'email',
  'slack',
  'mattermost',
  'rocketchat',
  'grafana',
  'opsgenie',
  'webhook',
  'telegram',
  'github',
  'teams',
  'teams-workflows',
  'googlechat',
  'pushover',
  'alertmanager',
  'pagerduty',
  'pagerdutyv2',
  'newrelic',
  'webex',
  'nats',
]);
/** Services whose Send fails (or dereferences nil) without their own template block. */
const BLOCK_REQUIRED = new Set(['pagerdutyv2', 'pagerduty', 'github', 'alertmanager', 'newrelic']);
/** The template blocks (services.Notification) besides `message`. */
const TEMPLATE_BLOCKS = new Set([
  'awssqs',
  'email',
  'slack',
  'mattermost',
  'rocketchat',
  'teams',
  'teams-workflows',
  'webhook',
  'opsgenie',
  'github',
  'alertmanager',
  'googlechat',
  'pagerduty',
  'pagerdutyv2',
  'newrelic',
]);
/** Fields of the blocks this repository uses, and those the service cannot send without. */
const BLOCK_FIELDS: Readonly<Record<string, { known: readonly string[]; required: readonly string[] }>> = {
  pagerdutyv2: {
    known: ['summary', 'severity', 'source', 'component', 'group', 'class', 'url', 'dedupKey'],
    required: ['summary', 'severity', 'source'],
  },
  slack: { known: ['username', 'icon', 'attachments', 'blocks', 'groupingKey', 'notifyBroadcast', 'deliveryPolicy'], required: [] },
};
const PAGERDUTY_SEVERITIES = new Set(['critical', 'error', 'warning', 'info']);
const CONDITION_FIELDS = new Set(['oncePer', 'when', 'description', 'send']);
/** Where recipients must be keys of the service's options. */
const RECIPIENT_KEYS: Readonly<Record<string, string>> = { pagerdutyv2: 'serviceKeys', opsgenie: 'apiKeys' };

interface Service {
  readonly type: string;
  readonly options: Record<string, unknown>;
  readonly key: string;
}

interface NotificationsConfig {
  readonly services: ReadonlyMap<string, Service>;
  readonly triggers: ReadonlyMap<string, readonly Record<string, unknown>[]>;
  readonly templates: ReadonlyMap<string, Record<string, unknown>>;
  readonly defaultTriggers: readonly string[];
  readonly serviceDefaultTriggers: ReadonlyMap<string, readonly string[]>;
  readonly subscriptions: readonly unknown[];
  /** Problems with the configuration itself (a broken one sends nothing at all). */
  readonly problems: readonly string[];
}

interface Subscription {
  readonly trigger: string;
  readonly service: string;
  readonly recipients: readonly string[];
  readonly path: string;
}

/** The subscriptions in an Application's annotations, as annotations.iterate reads them. */
export function subscriptionsOf(annotations: Readonly<Record<string, string>>): {
  subscriptions: Subscription[];
  problems: Array<{ path: string; message: string }>;
} {
  const subscriptions: Subscription[] = [];
  const problems: Array<{ path: string; message: string }> = [];
  for (const key of Object.keys(annotations).sort()) {
    const value = annotations[key]!;
    const path = `metadata.annotations[${JSON.stringify(key)}]`;
    if (key.startsWith(SUBSCRIBE_PREFIX)) {
      const parts = key.slice(SUBSCRIBE_PREFIX.length).split('.');
      const [trigger, service] = parts.length >= 2 ? [parts[0]!, parts[1]!] : ['', parts[0]!];
      if (parts.length > 2)
        problems.push({
          path,
          message: `"${key}" has more than two dot-separated parts after "subscribe.": notifications-engine reads trigger "${trigger}" and service "${service}" and ignores the rest`,
        });
      const recipients =
        value === ''
          ? ['']
          : value
              .split(';')
              .map((r) => r.trim())
              .filter((r) => r !== '');
      subscriptions.push({ trigger, service, recipients, path });
    } else if (key.startsWith(SUBSCRIPTIONS_KEY)) {
      let list: unknown;
      try {
        list = parse(value);
      } catch (error) {
        problems.push({ path, message: `not valid YAML: ${(error as Error).message.split('\n')[0]}` });
        continue;
      }
      for (const entry of asArray(list)) {
        const triggers = asArray(asObject(entry).trigger).map(String);
        for (const destination of asArray(asObject(entry).destinations)) {
          const service = String(asObject(destination).service ?? '');
          const recipients = asArray(asObject(destination).recipients).map(String);
          for (const trigger of triggers.length > 0 ? triggers : ['']) subscriptions.push({ trigger, service, recipients, path });
        }
      }
    }
  }
  return { subscriptions, problems };
}

/** argocd-notifications-cm as the chart renders it from the values, parsed as api.ParseConfig does. */
export function notificationsConfig(values: ChartValues['values']): NotificationsConfig {
  const problems: string[] = [];
  const data = new Map<string, unknown>();
  for (const section of ['notifiers', 'templates', 'triggers'] as const) {
    for (const [key, value] of Object.entries(asObject(valueAt(values, ['notifications', section])))) data.set(key, value);
  }
  const subscriptions = asArray(valueAt(values, ['notifications', 'subscriptions']));

  const services = new Map<string, Service>();
  const triggers = new Map<string, Record<string, unknown>[]>();
  const templates = new Map<string, Record<string, unknown>>();
  const serviceDefaultTriggers = new Map<string, string[]>();
  let defaultTriggers: string[] = [];
  const yamlOf = (key: string, value: unknown): unknown => {
    if (typeof value !== 'string') {
      problems.push(`notifications "${key}" must be a string (a YAML block, \`|\`), or the ConfigMap is invalid`);
      return undefined;
    }
    try {
      return parse(value) as unknown;
    } catch (error) {
      problems.push(`notifications "${key}" is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
      return undefined;
    }
  };

  for (const [key, raw] of [...data].sort(([a], [b]) => a.localeCompare(b))) {
    const parts = key.split('.');
    if (key.startsWith('template.')) {
      const template = yamlOf(key, raw);
      if (template === undefined) continue;
      if (!isObject(template)) {
        problems.push(`"${key}" must be a map (message and service blocks)`);
        continue;
      }
      const unknown = Object.keys(template).filter((field) => field !== 'message' && !TEMPLATE_BLOCKS.has(field));
      if (unknown.length > 0)
        problems.push(
          `"${key}" has unknown keys ${unknown.join(', ')} (ignored by notifications-engine): expected message or one of ${[...TEMPLATE_BLOCKS].join(', ')}`,
        );
      templates.set(parts.slice(1).join('.'), template);
    } else if (key.startsWith('service.')) {
      if (parts.length !== 2 && parts.length !== 3) {
        problems.push(
          `invalid service key "${key}": expected service.<type> or service.<type>.<name>; notifications-engine rejects the whole configuration`,
        );
        continue;
      }
      const type = parts[1]!;
      if (!SERVICE_TYPES.has(type)) {
        problems.push(`"${key}": service type "${type}" is not supported; notifications-engine rejects the whole configuration`);
        continue;
      }
      const options = yamlOf(key, raw);
      services.set(parts.length === 3 ? parts[2]! : type, { type, options: asObject(options), key });
    } else if (key.startsWith('trigger.')) {
      const conditions = yamlOf(key, raw);
      if (conditions === undefined) continue;
      if (!Array.isArray(conditions) || !conditions.every(isObject)) {
        problems.push(`"${key}" must be a list of conditions (when, send, …)`);
        continue;
      }
      for (const condition of conditions) {
        const unknown = Object.keys(condition).filter((field) => !CONDITION_FIELDS.has(field));
        if (unknown.length > 0)
          problems.push(
            `"${key}" has unknown condition keys ${unknown.join(', ')} (ignored): expected ${[...CONDITION_FIELDS].join(', ')}`,
          );
      }
      triggers.set(parts.slice(1).join('.'), conditions);
    } else if (key === 'defaultTriggers') {
      defaultTriggers = asArray(yamlOf(key, raw)).map(String);
    } else if (key.startsWith('defaultTriggers.')) {
      serviceDefaultTriggers.set(parts.slice(1).join('.'), asArray(yamlOf(key, raw)).map(String));
    }
  }
  return { services, triggers, templates, defaultTriggers, serviceDefaultTriggers, subscriptions, problems };
}

/** Why a template cannot be sent through a service, if it cannot. */
function templateProblems(name: string, template: Record<string, unknown>, serviceName: string, service: Service): string[] {
  const block = service.type === 'webhook' ? asObject(template.webhook)[serviceName] : template[service.type];
  const problems: string[] = [];
  if (block === undefined || block === null) {
    if (BLOCK_REQUIRED.has(service.type))
      problems.push(`template "${name}" has no ${service.type} block, and ${service.type} sends nothing without one`);
    else if (typeof template.message !== 'string' || template.message.trim() === '')
      problems.push(`template "${name}" has neither a message nor a ${service.type} block for service "${serviceName}"`);
    return problems;
  }
  const fields = BLOCK_FIELDS[service.type];
  if (fields) {
    const content = asObject(block);
    const unknown = Object.keys(content).filter((field) => !fields.known.includes(field));
    if (unknown.length > 0)
      problems.push(
        `template "${name}": ${service.type} block has unknown keys ${unknown.join(', ')} (ignored): expected ${fields.known.join(', ')}`,
      );
    const missing = fields.required.filter((field) => typeof content[field] !== 'string' || content[field] === '');
    if (missing.length > 0) problems.push(`template "${name}": ${service.type} block lacks ${missing.join(', ')}`);
    const severity = content.severity;
    if (service.type === 'pagerdutyv2' && typeof severity === 'string' && !severity.includes('{{') && !PAGERDUTY_SEVERITIES.has(severity)) {
      problems.push(`template "${name}": pagerdutyv2 severity "${severity}" is not one of ${[...PAGERDUTY_SEVERITIES].join(', ')}`);
    }
  }
  return problems;
}

/**
 * Everything wrong with delivering a subscription to one service and its recipients. Without a
 * trigger, `defaults` are the triggers notifications-engine falls back to.
 */
function resolve(
  config: NotificationsConfig,
  triggerName: string,
  serviceName: string,
  recipients: readonly string[],
  defaults: readonly string[],
): string[] {
  const problems: string[] = [];
  const service = config.services.get(serviceName);
  if (!service) {
    const configured = [...config.services.keys()].sort();
    problems.push(
      `service "${serviceName}" is not configured: expected notifications.notifiers "service.${serviceName}" or "service.<type>.${serviceName}"${configured.length > 0 ? ` (configured: ${configured.join(', ')})` : ''}`,
    );
  }
  if (recipients.length === 0 || recipients.some((r) => r === '')) problems.push(`service "${serviceName}" has an empty recipient`);
  const keysField = service ? RECIPIENT_KEYS[service.type] : undefined;
  if (service && keysField) {
    const keys = asObject(service.options[keysField]);
    for (const recipient of recipients.filter((r) => r !== '' && !(r in keys))) {
      problems.push(
        `recipient "${recipient}" is not a key of ${keysField} in "${service.key}"${Object.keys(keys).length > 0 ? ` (${Object.keys(keys).sort().join(', ')})` : ''}`,
      );
    }
  }
  const triggerNames = triggerName !== '' ? [triggerName] : defaults;
  if (triggerNames.length === 0) problems.push('subscribes without a trigger, and no default trigger is configured (defaultTriggers)');
  for (const name of triggerNames) {
    const conditions = config.triggers.get(name);
    if (!conditions) {
      problems.push(`trigger "${name}" is not defined: expected notifications.triggers "trigger.${name}"`);
      continue;
    }
    for (const template of conditions.flatMap((condition) => asArray(condition.send).map(String))) {
      const definition = config.templates.get(template);
      if (!definition)
        problems.push(
          `trigger "${name}" sends template "${template}", which is not defined: expected notifications.templates "template.${template}"`,
        );
      else if (service) problems.push(...templateProblems(template, definition, serviceName, service));
    }
  }
  return [...new Set(problems)];
}

export const notificationSubscriptionCheck: RepositoryCheck = (repository, reportIn) => {
  const apps = applications(repository);
  for (const cluster of argoCdClusters(repository, apps)) {
    const values = argoCdValues(repository, cluster);
    const anchor = anchorOf(apps, cluster);
    const subscribers = apps.filter((app) => app.cluster === cluster);
    const where = values ? filesOf(values) : `charts/argo-cd/values-${cluster}.yaml`;

    const disabled = !values
      ? `cluster ${cluster} has no Argo CD values (${where}): no notifications configuration delivers it`
      : valueAt(values.values, ['notifications', 'enabled']) === false
        ? `the notifications controller of cluster ${cluster} is disabled (notifications.enabled: false in ${where})`
        : valueAt(values.values, ['notifications', 'cm', 'create']) === false
          ? `argocd-notifications-cm of cluster ${cluster} is not rendered from ${where} (notifications.cm.create: false), so nothing here configures it`
          : undefined;
    const config = values && !disabled ? notificationsConfig(values.values) : undefined;

    if (anchor && config) {
      const report = reportIn(anchor.app.scope);
      for (const problem of config.problems) report(RULE, anchor.app.manifest, anchor.path, `Argo CD on ${cluster} (${where}): ${problem}`);
      for (const trigger of config.defaultTriggers) {
        if (!config.triggers.has(trigger))
          report(
            RULE,
            anchor.app.manifest,
            anchor.path,
            `Argo CD on ${cluster} (${where}): defaultTriggers names trigger "${trigger}", which is not defined`,
          );
      }
      config.subscriptions.forEach((entry, i) => {
        const triggers = asArray(asObject(entry).triggers).map(String);
        for (const recipient of asArray(asObject(entry).recipients).map(String)) {
          const [service = '', target = ''] = recipient.split(':');
          for (const trigger of triggers.length > 0 ? triggers : ['']) {
            for (const problem of resolve(config, trigger, service, [target], config.defaultTriggers)) {
              report(
                RULE,
                anchor.app.manifest,
                anchor.path,
                `Argo CD on ${cluster} (${where}): notifications.subscriptions[${i}] ${recipient}: ${problem}`,
              );
            }
          }
        }
      });
    }

    for (const app of subscribers) checkApplication(app, config, disabled, reportIn(app.scope));
  }
};

export const notificationSubscriptionRules: RepositoryRules = {
  rules: [
    rule(
      'notification-subscription',
      'reliability',
      "Every notification subscription resolves in its cluster's Argo CD: a defined trigger, templates with a block for the service where it needs one, a configured service",
      'Define the trigger, template (with the service block) or service under notifications in charts/argo-cd/values*.yaml, or fix the subscription in env.yaml `notifications`.',
    ),
  ],
  checkRepository: notificationSubscriptionCheck,
};

function checkApplication(
  app: ArgoApplication,
  config: NotificationsConfig | undefined,
  disabled: string | undefined,
  report: Report,
): void {
  const { subscriptions, problems } = subscriptionsOf(app.annotations);
  for (const problem of problems) report(RULE, app.manifest, problem.path, problem.message);
  for (const subscription of subscriptions) {
    const label = `${subscription.trigger || '(default triggers)'} → ${subscription.service}:${subscription.recipients.join(';')}`;
    if (disabled || !config) {
      report(RULE, app.manifest, subscription.path, `${label}: ${disabled}`);
      continue;
    }
    const defaults = config.serviceDefaultTriggers.get(subscription.service) ?? config.defaultTriggers;
    for (const problem of resolve(config, subscription.trigger, subscription.service, subscription.recipients, defaults)) {
      report(RULE, app.manifest, subscription.path, `${label}: ${problem}`);
    }
  }
}
