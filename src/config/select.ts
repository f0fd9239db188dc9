/**
 * The environments a command is pointed at: `--env <name>…` (validate, diff, check, status, metrics) and
 * promote's `--from`/`--to`. One check, so that every command answers an unknown name the same way: one
 * line, exit 2, "did you mean" when a name is close, and the environments there are.
 */
import { closest, UsageError } from '../errors.ts';

type Named = string | { readonly name: string };

const nameOf = (environment: Named): string => (typeof environment === 'string' ? environment : environment.name);

/** The environments named in `wanted`, in the order of `known`; every one of `known` when none is named. */
export function selectEnvironments<T extends Named>(known: readonly T[], wanted: readonly string[] | undefined, flag = '--env'): T[] {
  if (!wanted || wanted.length === 0) return [...known];
  const names = known.map(nameOf);
  const unknown = wanted.find((name) => !names.includes(name));
  if (unknown !== undefined) {
    const guess = closest(unknown, names);
    throw new UsageError(
      `${flag}: no environment "${unknown}"${guess ? ` (did you mean ${guess}?)` : ''}; expected one of ${names.join(', ') || '(none)'} (envs/<name>/env.yaml)`,
    );
  }
  return known.filter((environment) => wanted.includes(nameOf(environment)));
}

/** The one environment `flag` names. */
export function findEnvironment<T extends Named>(known: readonly T[], name: string, flag: string): T {
  return selectEnvironments(known, [name], flag)[0]!;
}
