/**
 * Parses SVG text as XML for the bench tests, strictly: any error or warning of the parser
 * throws.
 *
 * @module
 */
import { type Document, DOMParser } from "@xmldom/xmldom";

/** The parsed document of an SVG file's text. */
export function parseSvg(text: string): Document {
  const parser = new DOMParser({
    onError: (level: string, message: string) => {
      throw new Error(`SVG is not well-formed XML (${level}): ${message}`);
    },
  });
  return parser.parseFromString(text, "image/svg+xml");
}

/** The text of every element named `tag` whose `class` is `className` (any, if undefined). */
export function textsOf(doc: Document, tag: string, className?: string): string[] {
  return [...doc.getElementsByTagName(tag)]
    .filter((e) => className === undefined || e.getAttribute("class") === className)
    .map((e) => e.textContent ?? "");
}
