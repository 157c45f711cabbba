/**
 * The fuzz report: counts per target and mutation kind, the slowest case and the most work per
 * input byte per target, peak memory, and the failures grouped by cause with the first examples
 * and the command that replays each.
 *
 * @module
 */
import type { CaseResult } from "./cases.ts";
import { HANG_MS, MEMORY_BOUND } from "./cases.ts";
import type { TargetName } from "./targets.ts";

interface Counts {
  cases: number;
  exact: number;
  refused: number;
  other: number;
  infoOnly: number;
  failures: number;
}

/** Results with one cause: a failure kind and its normalized message. */
interface Group {
  title: string;
  count: number;
  targets: Set<string>;
  examples: CaseResult[];
}

const EXAMPLES = 3;

/** Numbers, hashes and quoted text out of a message, so that one cause is one group. */
function normalize(detail: string): string {
  const text = detail.replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/\b(?:0x)?[0-9a-f]*\d[0-9a-f]*\b/gi, "N");
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

function groupInto(groups: Map<string, Group>, title: string, result: CaseResult) {
  let group = groups.get(title);
  if (!group) groups.set(title, group = { title, count: 0, targets: new Set(), examples: [] });
  group.count++;
  group.targets.add(result.target);
  if (group.examples.length < EXAMPLES) group.examples.push(result);
}

/** Counts of a fuzz run, filled one result at a time. */
export class FuzzReport {
  readonly #rows = new Map<string, Counts>();
  readonly #failures = new Map<string, Group>();
  readonly #infoOnly = new Map<string, Group>();
  readonly #slowest = new Map<string, CaseResult>();
  readonly #perByte = new Map<string, CaseResult>();
  readonly #kinds = new Map<string, number>();
  cases = 0;
  failures = 0;
  peakRss = 0;

  constructor(readonly runSeed: number) {}

  /** Adds one case. */
  add(result: CaseResult): void {
    const key = `${result.target}\t${result.kind}`;
    let row = this.#rows.get(key);
    if (!row) {
      this.#rows.set(
        key,
        row = { cases: 0, exact: 0, refused: 0, other: 0, infoOnly: 0, failures: 0 },
      );
    }
    row.cases++;
    if (result.index >= 0) this.cases++;
    this.peakRss = Math.max(this.peakRss, result.rss);
    const v = result.verdict;
    if (v.outcome === "failure") {
      row.failures++;
      this.failures++;
      const byKind = `${result.target}: ${v.failure}`;
      this.#kinds.set(byKind, (this.#kinds.get(byKind) ?? 0) + 1);
      const narrow = v.failure === "wrong result" ? `${result.target} ${result.kind}: ` : "";
      const cause = `${v.failure} — ${narrow}${normalize(v.detail)}`;
      groupInto(this.#failures, cause, result);
    } else if (v.outcome === "info-only") {
      row.infoOnly++;
      const cause = `${result.seed.split(":")[0]} — ${normalize(v.detail)}`;
      groupInto(this.#infoOnly, cause, result);
    } else {
      row[v.outcome]++;
    }
    if (result.index < 0) return;
    if ((this.#slowest.get(result.target)?.ms ?? -1) < result.ms) {
      this.#slowest.set(result.target, result);
    }
    const work = (r: CaseResult) => r.ms / Math.max(1, r.bytes);
    const most = this.#perByte.get(result.target);
    if (!most || work(most) < work(result)) this.#perByte.set(result.target, result);
  }

  /** The report as text: the count table, then the failure groups. */
  text(): string {
    const out: string[] = [];
    const widths = [14, 18, 7, 7, 8, 7, 10, 6];
    const row = (cells: (string | number)[]) =>
      cells.map((c, i) => (i < 2 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i])))
        .join(" ");
    out.push(
      row(["target", "mutation", "cases", "exact", "refused", "other", "info-only", "FAIL"]),
    );
    const total: Counts = { cases: 0, exact: 0, refused: 0, other: 0, infoOnly: 0, failures: 0 };
    const keys = [...this.#rows.keys()].sort();
    let previous = "";
    for (const key of keys) {
      const [target, kind] = key.split("\t");
      const c = this.#rows.get(key)!;
      for (const k of Object.keys(total) as (keyof Counts)[]) total[k] += c[k];
      out.push(
        row([
          target === previous ? "" : target,
          kind,
          c.cases,
          c.exact,
          c.refused,
          c.other,
          c.infoOnly,
          c.failures || "-",
        ]),
      );
      previous = target;
    }
    out.push(
      row([
        "total",
        "",
        total.cases,
        total.exact,
        total.refused,
        total.other,
        total.infoOnly,
        total.failures,
      ]),
    );
    out.push(
      "",
      "other = a valid other file (for classic files: undetectable by design, see oracle.ts)",
    );
    out.push(
      "",
      `slowest case and most work per input byte, by target (hang bound ${HANG_MS} ms):`,
    );
    for (const [target, slow] of [...this.#slowest].sort()) {
      const heavy = this.#perByte.get(target)!;
      out.push(
        `  ${target.padEnd(14)} ${slow.ms.toFixed(1).padStart(8)} ms (${
          id(slow)
        }, ${slow.bytes} bytes)` +
          `   ${(1000 * heavy.ms / Math.max(1, heavy.bytes)).toFixed(2).padStart(8)} µs/byte (${
            id(heavy)
          })`,
      );
    }
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
    out.push(`peak RSS of a fuzzing process: ${mib(this.peakRss)} (bound ${mib(MEMORY_BOUND)})`);
    out.push("", `FAILURES: ${this.failures} in ${this.#failures.size} groups`);
    if (this.#kinds.size > 0) {
      out.push(
        `by target and kind: ${[...this.#kinds].sort().map(([k, n]) => `${k} ${n}`).join("; ")}`,
      );
    }
    this.#groups(out, this.#failures);
    if (this.#infoOnly.size > 0) {
      out.push(
        "",
        "accepted by info, refused by the decoder (not failures), by the decoder's reason:",
      );
      this.#groups(out, this.#infoOnly, 1, false);
    }
    return out.join("\n");
  }

  #groups(out: string[], groups: Map<string, Group>, examples = EXAMPLES, replay = true): void {
    const sorted = [...groups.values()].sort((a, b) => b.count - a.count);
    sorted.forEach((g, n) => {
      out.push(`[${n + 1}] ×${g.count} (${[...g.targets].sort().join(", ")}) ${g.title}`);
      for (const r of g.examples.slice(0, examples)) {
        const detail = r.verdict.outcome === "failure" || r.verdict.outcome === "info-only"
          ? r.verdict.detail
          : "";
        out.push(`    ${id(r)}  ${r.seed}  ${r.kind}: ${r.description}`, `        → ${detail}`);
      }
      const first = g.examples[0];
      if (replay && first.index >= 0) {
        out.push(`    replay: deno task fuzz --seed ${this.runSeed} --only ${id(first)}`);
      }
    });
  }
}

function id(r: { target: TargetName | string; index: number }): string {
  return r.index < 0 ? `${r.target}:seed` : `${r.target}:${r.index}`;
}
