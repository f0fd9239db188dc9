/** `hivebox-gitops promote`: its summary, options and examples (src/commands/flags.ts reads them). */
import { describeCommand } from '../flags.ts';

export const usage = describeCommand({
  name: 'promote',
  summary: 'move an image to the next environment (order from promotesFrom) and re-synthesize',
  usage: [
    '--from <env> --to <env> [--commit | --check | --propose]',
    '--to <env> --image <tag|digest|tag@digest> [--commit | --check | --propose]',
  ],
  description: `Copies the image (tag and digest) the --from environment runs into envs/<to>/env.yaml,
or sets the one given with --image, then re-synthesizes. The change touches only
envs/<to>/. The order is each env.yaml's promotesFrom; skipping a step is refused, and so
is a tag without a digest into an environment that requires one (validation.requireDigest).
The promoted environment must pass \`validate --env <to>\`, or nothing is kept.`,
  options: {
    from: { type: 'string', value: 'env', description: 'the environment whose image is promoted' },
    to: { type: 'string', required: true, value: 'env', description: 'the environment that receives the image' },
    image: { type: 'string', value: 'ref', description: 'an explicit tag (v0.7.0), digest (sha256:...) or both (v0.7.0@sha256:...)' },
    commit: { type: 'boolean', description: 'commit the change (only files under envs/<to>/) instead of printing the message' },
    check: { type: 'boolean', description: 'change nothing; exit 1 if promoting would change <to>, 0 if it already runs the image' },
    propose: {
      type: 'boolean',
      description: `open or update the pull request promote/<to> through GitHub's API, its commit signed
by GitHub (GH_TOKEN or GITHUB_TOKEN, GITHUB_REPOSITORY; GITHUB_API_URL, GITHUB_GRAPHQL_URL);
the local working tree keeps the change, uncommitted`,
    },
  },
  examples: [
    { command: 'promote --from dev --to staging', what: "staging gets dev's image; prints the commit message to use" },
    { command: 'promote --to dev --image v0.7.0@sha256:<digest> --commit', what: 'a new build into dev, committed' },
    {
      command: 'promote --from staging --to prod --propose',
      what: "a pull request that moves staging's image to prod (what the promotion workflow runs)",
    },
  ],
  exitStatus: `0 promoted, proposed or already there; 1 (--check) promoting would change <to>;
2 refused (nothing changed), or GitHub refused the proposal (one line says which call and why).`,
});
