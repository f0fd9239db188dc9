/**
 * Every version pin Dependabot cannot move is listed in the README's "Pins Dependabot does not move"
 * table, so a person knows it is theirs to bump: tools installed by version in the workflows, image
 * references in the sources, image tags in the chart values, and the platform charts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const start = readme.indexOf('**Pins Dependabot does not move.**');
const section = readme.slice(start, readme.indexOf('\n\n**', start + 10));

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && pattern.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .sort();
}

describe('pins Dependabot does not move', () => {
  it('has its table in the README', () => {
    expect(start).toBeGreaterThan(0);
    expect(section).toContain('| pin | where | how to move it |');
  });

  it('lists every tool a workflow installs at a version (go install, npx --package, npx --yes)', () => {
    const pins: string[] = [];
    for (const file of files('.github/workflows', /\.ya?ml$/)) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const [, module] of text.matchAll(/go install (\S+)@v\d/g)) pins.push(`${file}: ${module!.replace(/\/cmd\/.*$/, '')}`);
      for (const [, name] of text.matchAll(/--package (\S+?)@\d/g)) pins.push(`${file}: ${name}`);
      for (const [, name] of text.matchAll(/npx --yes (\S+?)@\d/g)) pins.push(`${file}: ${name}`);
    }
    expect(pins.length).toBeGreaterThanOrEqual(5);
    for (const pin of pins) {
      const [file, name] = pin.split(': ') as [string, string];
      expect(section, pin).toContain(`\`${name}\``);
      expect(section, pin).toContain(`\`${file}\``);
    }
  });

  it('lists every source file that pins a container image, and every chart values file that pins an image tag', () => {
    const sources = files('src', /\.ts$/).filter((file) =>
      /'[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}'/.test(readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const file of sources) expect(section, file).toContain(`\`${file}\``);
    const values = files('charts', /^values.*\.ya?ml$/).filter((file) => /^\s+tag: \S+/m.test(readFileSync(join(ROOT, file), 'utf8')));
    for (const file of values) expect(section, file).toContain(`\`${file}\``);
    expect(section).toContain('`src/catalog/components.ts`');
  });
});
