/**
 * What a command prints besides its data: status lines, `--verbose` detail, the `--json`
 * document, errors and progress.
 *
 * @module
 */

/** How a {@link Reporter} prints. */
export interface ReporterOptions {
  /** The subcommand whose name starts error lines; none for `bpcodec` itself. */
  command?: string;
  /** `--json`: one JSON document instead of human-readable lines. */
  json?: boolean;
  /** `--quiet`: no lines on success (errors and failed outcomes are still printed). */
  quiet?: boolean;
  /** `--verbose`: {@link Reporter.detail} lines too. */
  verbose?: boolean;
}

/**
 * Prints results: human-readable lines, or (with `--json`) one JSON document; errors as one line
 * on stderr; progress on a terminal. Everything goes to stdout except errors and progress, until
 * {@link Reporter.reserveStdoutForData} sends it all to stderr.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { Reporter } from "./reporter.ts";
 * const report = new Reporter({ command: "encode", quiet: true });
 * strictEqual(report.json, false);
 * report.line("encoded: a.png -> a.bpc"); // prints nothing: quiet
 * ```
 */
export class Reporter {
  #command: string | undefined;
  #json: boolean;
  #quiet: boolean;
  #verbose: boolean;
  #stdoutCarriesData = false;
  #progressShown = false;
  #encoder = new TextEncoder();

  /** Creates a reporter; every option defaults to off. */
  constructor(options: ReporterOptions = {}) {
    this.#command = options.command;
    this.#json = options.json ?? false;
    this.#quiet = options.quiet ?? false;
    this.#verbose = options.verbose ?? false;
  }

  /** Whether output is JSON. */
  get json(): boolean {
    return this.#json;
  }

  /** Sends every later line and the JSON document to stderr: stdout carries the command's data. */
  reserveStdoutForData(): void {
    this.#stdoutCarriesData = true;
  }

  /** Prints a line of human-readable output (nothing in JSON mode or when quiet). */
  line(text: string): void {
    if (!this.#quiet) this.#print(text);
  }

  /** Prints a line of `--verbose` detail (nothing otherwise, nor in JSON mode). */
  detail(text: string): void {
    if (this.#verbose) this.#print(text);
  }

  /** Prints a line that says whether a check passed; a failed one even when quiet. */
  outcome(text: string, ok: boolean): void {
    if (!ok || !this.#quiet) this.#print(text);
  }

  /** Prints the JSON result (JSON mode only). */
  result(value: unknown): void {
    if (!this.#json) return;
    const text = JSON.stringify(value, null, 2);
    if (this.#stdoutCarriesData) console.error(text);
    else console.log(text);
  }

  /** Prints `bpcodec COMMAND: message` on stderr, whatever the options. */
  error(message: string): void {
    this.#clearProgress();
    console.error(
      `${this.#command === undefined ? "bpcodec" : `bpcodec ${this.#command}`}: ${message}`,
    );
  }

  /**
   * Reports the failure of the command: the {@link Reporter.error} line (`file: reason (hint)`),
   * and in JSON mode the document `{ command, error, file }` (and the library's error `code`,
   * when there is one) as the result.
   */
  failure(reason: string, file?: string, hint?: string, code?: string): void {
    this.error(`${file === undefined ? "" : `${file}: `}${reason}${hint ? ` (${hint})` : ""}`);
    const failure = { command: this.#command ?? null, error: reason, file: file ?? null };
    this.result(code === undefined ? failure : { ...failure, code });
  }

  /** Prints `bpcodec COMMAND: message` on stderr (a skipped input, say), even when quiet. */
  warning(message: string): void {
    this.error(message);
  }

  /** Shows `[done/total] what` on a terminal's stderr; nothing when quiet or not a terminal. */
  progress(done: number, total: number, what: string): void {
    if (this.#quiet || !Deno.stderr.isTerminal()) return;
    const text = `[${done}/${total}] ${what}`.slice(0, 78);
    Deno.stderr.writeSync(this.#encoder.encode(`\r\x1b[K${text}`));
    this.#progressShown = true;
  }

  /** Ends progress display. */
  done(): void {
    this.#clearProgress();
  }

  #print(text: string): void {
    if (this.#json) return;
    this.#clearProgress();
    if (this.#stdoutCarriesData) console.error(text);
    else console.log(text);
  }

  #clearProgress(): void {
    if (!this.#progressShown) return;
    Deno.stderr.writeSync(this.#encoder.encode("\r\x1b[K"));
    this.#progressShown = false;
  }
}
