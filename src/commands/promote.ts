/**
 * `hivebox-gitops promote --from <env> --to <env> [--commit]`
 * `hivebox-gitops promote --to <env> --image <tag|digest|tag@digest> [--commit]`
 */
import { ExitCode, UsageError } from '../errors.ts';
import { fullReference, parseImageFlag } from '../promote/image.ts';
import { promote } from '../promote/promote.ts';
import type { CommandContext } from './context.ts';
import { parseFlags } from './flags.ts';

const HELP = `Usage:
  hivebox-gitops promote --from <env> --to <env> [--commit]
  hivebox-gitops promote --to <env> --image <tag|digest|tag@digest> [--commit]

Copies the image (tag and digest) the --from environment runs into envs/<to>/env.yaml,
or sets the one given with --image, then re-synthesizes. The change touches only
envs/<to>/. The order is each env.yaml's promotesFrom; skipping a step is refused.

Options:
  --from <env>     the environment whose image is promoted
  --to <env>       the environment that receives it
  --image <ref>    an explicit tag (v0.7.0), digest (sha256:...) or both (v0.7.0@sha256:...)
  --commit         commit the change (only files under envs/<to>/) instead of printing the message
  -h, --help       show this help

Exit codes: 0 promoted or already there, 2 refused (nothing changed).
`;

export async function run(args: readonly string[], context: CommandContext): Promise<number> {
  const values = parseFlags('promote', args, {
    from: { type: 'string' },
    to: { type: 'string' },
    image: { type: 'string' },
    commit: { type: 'boolean', default: false },
  });
  if (values.help) {
    context.stdout.write(HELP);
    return ExitCode.Clean;
  }
  if (values.to === undefined) throw new UsageError('expected --to <env>: the environment that receives the image');
  if (values.from !== undefined && values.image !== undefined) {
    throw new UsageError('expected either --from <env> or --image <ref>, not both');
  }
  const outcome = await promote(context.cwd, {
    from: values.from,
    to: values.to,
    image: values.image !== undefined ? parseImageFlag(values.image) : undefined,
    commit: values.commit,
  });
  if (outcome.kind === 'unchanged') {
    context.stdout.write(`${outcome.target} already runs ${fullReference(outcome.image)}; nothing to change.\n`);
    return ExitCode.Clean;
  }
  const files = outcome.files.map((file) => `  ${file}\n`).join('');
  if (outcome.kind === 'committed') {
    context.stdout.write(`Committed "${outcome.message.subject}":\n${files}`);
  } else {
    context.stdout.write(`Changed:\n${files}\nCommit it with:\n\n${outcome.message.text}\n`);
  }
  return ExitCode.Clean;
}
