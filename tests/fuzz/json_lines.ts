/**
 * The messages between the fuzz runner and its case processes: one JSON value a line.
 *
 * @module
 */

/** The JSON values of the lines of `stream`; a line that is not JSON goes to `other`. */
export async function* readJsonLines(
  stream: ReadableStream<Uint8Array>,
  other: (line: string) => void = (line) => console.error(line),
): AsyncGenerator<unknown> {
  let pending = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    pending += text;
    let end: number;
    while ((end = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      if (line.trim() === "") continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        other(line);
        continue;
      }
      yield value;
    }
  }
  if (pending.trim() !== "") other(pending);
}

/** Writes `value` as one line to `writer`. */
export function writeJsonLine(writer: WritableStreamDefaultWriter<Uint8Array>, value: unknown) {
  return writer.write(new TextEncoder().encode(JSON.stringify(value) + "\n"));
}
