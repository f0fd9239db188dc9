// Conventional Commits, as release-please reads them to version and write CHANGELOG.md.
// One addition: `deploy(<env>): ...`, the commits `hivebox-gitops promote` makes, so a
// change of what runs where is its own section of the changelog and its own release.
import conventional from '@commitlint/config-conventional';

const [level, applicable, types] = conventional.rules['type-enum'];

export default {
  extends: ['@commitlint/config-conventional'],
  rules: {
    'type-enum': [level, applicable, [...types, 'deploy']],
  },
  // Dependabot writes "Bumps [pkg](url) from 1 to 2." bodies with long links; its subjects still follow the rules.
  ignores: [(message) => /^Signed-off-by: dependabot\[bot\]/m.test(message)],
};
