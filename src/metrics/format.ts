/**
 * metrics as text, markdown (ready to paste into a retro) or JSON, with the DORA
 * performance band of each figure.
 */
import type { Metrics, PromotionChain } from './compute.ts';

export type Band = 'elite' | 'high' | 'medium' | 'low';

/**
 * The bands, after the Accelerate State of DevOps report 2023 (dora.dev), as upper
 * bounds: deployment frequency on demand (≥ 7 a week) / daily to weekly (≥ 1) / weekly to
 * monthly (≥ 12/52) / less; lead time ≤ 1 day / ≤ 1 week / ≤ 1 month (30 days) / more;
 * change failure rate ≤ 5 % / ≤ 10 % / ≤ 15 % / more; time to restore ≤ 1 hour /
 * ≤ 1 day / ≤ 1 week / more.
 */
export const BANDS = {
  deploymentFrequency: (perWeek: number): Band => (perWeek >= 7 ? 'elite' : perWeek >= 1 ? 'high' : perWeek >= 12 / 52 ? 'medium' : 'low'),
  leadTimeHours: (hours: number): Band => (hours <= 24 ? 'elite' : hours <= 168 ? 'high' : hours <= 720 ? 'medium' : 'low'),
  changeFailureRate: (rate: number): Band => (rate <= 0.05 ? 'elite' : rate <= 0.1 ? 'high' : rate <= 0.15 ? 'medium' : 'low'),
  timeToRestoreHours: (hours: number): Band => (hours <= 1 ? 'elite' : hours <= 24 ? 'high' : hours <= 168 ? 'medium' : 'low'),
};

export function formatJson(metrics: Metrics): string {
  return `${JSON.stringify(metrics, null, 2)}\n`;
}

interface Row {
  readonly metric: string;
  readonly value: string;
  readonly band: string;
}

function rows(metrics: Metrics, chain: PromotionChain): Row[] {
  const result: Row[] = [];
  for (const [env, { deployments, perWeek }] of Object.entries(metrics.environments)) {
    result.push({
      metric: `Deployment frequency, ${env}`,
      value: `${deployments} deployment${deployments === 1 ? '' : 's'}, ${perWeek} per week`,
      band: BANDS.deploymentFrequency(perWeek),
    });
  }
  const lead = metrics.leadTimeHours;
  result.push({
    metric: `Lead time for changes, ${chain.first} → ${chain.last}`,
    value:
      lead.median === null
        ? 'no data'
        : `median ${hours(lead.median)}, p90 ${hours(lead.p90!)} (${lead.count} image${lead.count === 1 ? '' : 's'})`,
    band: lead.median === null ? '—' : BANDS.leadTimeHours(lead.median),
  });
  const rate = metrics.changeFailureRate;
  result.push({
    metric: `Change failure rate, ${chain.last}`,
    value: rate === null ? 'no data' : `${Math.round(rate * 1000) / 10} %`,
    band: rate === null ? '—' : BANDS.changeFailureRate(rate),
  });
  const restore = metrics.timeToRestoreHours;
  result.push({
    metric: `Time to restore, ${chain.last}`,
    value:
      restore.median === null ? 'no data' : `median ${hours(restore.median)} (${restore.count} rollback${restore.count === 1 ? '' : 's'})`,
    band: restore.median === null ? '—' : BANDS.timeToRestoreHours(restore.median),
  });
  return result;
}

function hours(value: number): string {
  return `${value} h`;
}

export function formatText(metrics: Metrics, chain: PromotionChain): string {
  const table = rows(metrics, chain);
  const width = Math.max(...table.map((row) => row.metric.length));
  const valueWidth = Math.max(...table.map((row) => row.value.length));
  const lines = table.map((row) => `  ${row.metric.padEnd(width)}  ${row.value.padEnd(valueWidth)}  ${row.band}`);
  return `DORA metrics ${metrics.window.since} – ${metrics.window.until} (first-parent history, committer dates)\n\n${lines.join('\n')}\n`;
}

export function formatMarkdown(metrics: Metrics, chain: PromotionChain): string {
  const lines = rows(metrics, chain).map((row) => `| ${row.metric} | ${row.value} | ${row.band} |`);
  return [
    `### DORA metrics, ${metrics.window.since} – ${metrics.window.until}`,
    '',
    '| metric | value | DORA band |',
    '| --- | --- | --- |',
    ...lines,
    '',
    '_From the first-parent Git history (committer dates) by `hivebox-gitops metrics`; bands after the Accelerate State of DevOps report 2023._',
    '',
  ].join('\n');
}
