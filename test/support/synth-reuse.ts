/**
 * The suite runs with synth's reuse off (vitest.config.ts: every synth synthesizes for real). A
 * file whose subject is not synth (metrics' history, promote --propose's GitHub side) may run a
 * body with it on, as anyone who runs the CLI has it: promote's check that the generated files
 * are current is then answered from the state the synth before it recorded (src/synth/stamp.ts),
 * instead of synthesizing the same input a second time. Every change is still synthesized for
 * real: a state is only ever recorded by a synth that produced it.
 */
export async function withSynthReuse<T>(body: () => Promise<T>): Promise<T> {
  const suiteSetting = process.env.HIVEBOX_SYNTH_CACHE;
  process.env.HIVEBOX_SYNTH_CACHE = 'on';
  try {
    return await body();
  } finally {
    // Test files share a worker (isolate: false): the next file finds the suite's setting.
    if (suiteSetting === undefined) delete process.env.HIVEBOX_SYNTH_CACHE;
    else process.env.HIVEBOX_SYNTH_CACHE = suiteSetting;
  }
}
