/**
 * The `bpcodec` command line. Run `deno run -A cli.ts --help`.
 *
 * @example
 * ```sh
 * deno run -A cli.ts encode --model scans.bpm --input page1.png --output page1.bpc
 * ```
 *
 * @module
 */
import { main } from "./src/cli/main.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
