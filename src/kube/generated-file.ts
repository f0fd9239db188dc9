/** One file synth writes: its path relative to the repository root (posix separators) and content. */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}
