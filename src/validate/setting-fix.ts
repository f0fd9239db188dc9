/** A finding's fix, in the terms of the env.yaml settings that produce the field. */
import type { SettingSource } from '../sources/map.ts';

/** More than this many settings behind one field (a config hash) are summed up, not listed. */
const LISTED = 3;

export function describeSetting(source: SettingSource): string {
  return source.isDefault
    ? `${source.setting} (default in ${source.file}; set it in ${source.envFile})`
    : `${source.setting} (${source.file}:${source.line})`;
}

export function settingFix(sources: readonly SettingSource[], ruleFix: string): string {
  const listed = sources.slice(0, LISTED).map(describeSetting).join(', ');
  const more = sources.length > LISTED ? ` or one of ${sources.length - LISTED} more (see settings)` : '';
  return `Change ${listed}${more}, then run \`npm run synth\`. ${ruleFix}`;
}
