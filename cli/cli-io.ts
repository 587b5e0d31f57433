// What a command may touch, injected so tests run the CLI in-process: output streams, the
// environment, folders for contexts and cached tokens, a password prompt, the clock and an
// abort signal (Ctrl-C) for `--live`.

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Folder of contexts.yaml. */
  readonly configDir: string;
  /** Folder of cached tokens (0700; files 0600). */
  readonly cacheDir: string;
  /** True when a person can answer prompts. */
  readonly interactive: boolean;
  /** Asks for a line; `hidden` does not echo it (passwords, secret values). */
  prompt(question: string, hidden: boolean): Promise<string>;
  /** Reads standard input to its end (secret values piped in). */
  readStdin(): Promise<string>;
  now(): number;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
}
