/**
 * `hivebox-gitops validate [--env <name>…] [--format text|json|sarif]`
 */
import { ExitCode, UsageError } from '../errors.ts';
import { oncePerDirectory } from '../toolchain/kubectl.ts';
import type { CommandContext } from './context.ts';
import { parseFlags } from './flags.ts';
import { startRenders, withProgress } from './renders.ts';
import { colourOn, highlight, progressOn } from './style.ts';

const USAGE = `Usage: hivebox-gitops validate [--env <name>]... [--format text|json|sarif]

Renders every envs/<env> overlay with kustomize, and the argocd/ tree, and checks
them: strict schemas for the environment's Kubernetes version (and the CRDs in use),
Pod Security "restricted" and pinned images, reliability (resources, probes,
PodDisruptionBudgets, Services, HPAs, ServiceMonitors, default-deny NetworkPolicies,
Ingress TLS) and that staging mirrors prod. A finding names the env.yaml setting
behind it (envs/<env>/sources.yaml). An environment waives a rule in its env.yaml
(waivers: rule, resource, reason, expires); a custom resource with the annotation
hivebox.dev/waive.<rule-id>: "<reason>". Waivers are listed in the report.

  --env <name>        only this environment (repeatable; argocd/ is always checked)
  --format <format>   text (default), json or sarif (SARIF 2.1.0, for GitHub code scanning)

Exit status: 0 clean, 1 findings, 2 bad input or usage.
`;

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

export async function run(args: readonly string[], context: CommandContext): Promise<number> {
  const values = parseFlags('validate', args, {
    env: { type: 'string', multiple: true },
    format: { type: 'string', default: 'text' },
  });
  if (values.help) {
    context.stdout.write(USAGE);
    return ExitCode.Clean;
  }
  if (!FORMATS.includes(values.format as Format)) throw new UsageError(`--format "${values.format}": expected one of ${FORMATS.join(', ')}`);
  const progress = progressOn(context);
  const build = withProgress(oncePerDirectory(context.env), progress, context.cwd);
  let report;
  try {
    if ((values.env ?? []).length === 0) await startRenders(context.cwd, build);
    const { validateRepository } = await import('../validate/repository.ts');
    report = await validateRepository({ root: context.cwd, envs: values.env ?? [], env: context.env, build });
  } finally {
    progress.done();
  }
  const format = values.format as Format;
  const formatter =
    format === 'json'
      ? (await import('../validate/format/json.ts')).formatJson
      : format === 'sarif'
        ? (await import('../validate/format/sarif.ts')).formatSarif
        : (await import('../validate/format/text.ts')).formatText;
  context.stdout.write(format === 'text' ? highlight(formatter(report), colourOn(context.stdout, context.env)) : formatter(report));
  return report.findings.length === 0 ? ExitCode.Clean : ExitCode.Findings;
}
