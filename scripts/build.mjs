/**
 * `npm run build` (and `prepare`, so `npm ci` runs it): src/ → dist/, the JavaScript that
 * bin/hivebox-gitops.js runs. tsc compiles (tsconfig.build.json), the schema data and any
 * other non-TypeScript file under src/ is copied beside it, and dist/.manifest.json records
 * what it was built from (scripts/dist-manifest.mjs). The new tree is built beside dist/ and
 * swapped in whole, so a failed build leaves the previous one in place.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listFiles, MANIFEST, outputHashes, sourceHash } from './dist-manifest.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const next = join(root, `dist.${process.pid}.partial`);
const old = join(root, `dist.${process.pid}.old`);

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  console.error('hivebox-gitops build: TypeScript is not installed (a devDependency); run `npm ci`');
  process.exit(1);
}

const source = sourceHash(root);
rmSync(next, { recursive: true, force: true });
try {
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', next], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error(`hivebox-gitops build: tsc failed (${result.status ?? result.signal}); dist/ left as it was`);
    process.exit(1);
  }
  for (const file of listFiles(join(root, 'src')).filter((f) => !f.endsWith('.ts'))) {
    mkdirSync(dirname(join(next, file)), { recursive: true });
    cpSync(join(root, 'src', file), join(next, file));
  }
  writeFileSync(join(next, MANIFEST), `${JSON.stringify({ source, outputs: outputHashes(next) }, null, 2)}\n`);
  rmSync(old, { recursive: true, force: true });
  try {
    renameSync(dist, old);
  } catch {
    // no previous build
  }
  renameSync(next, dist);
} finally {
  rmSync(next, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
}
