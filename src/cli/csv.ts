/**
 * A CSV reader (RFC 4180 and what spreadsheets write): quoted fields, `""` inside quotes, commas and line breaks
 * inside quotes, LF / CRLF / CR line ends, a UTF-8 byte-order mark, and a header row.
 */
import { InvalidArtifactError } from "../errors.js";
import type { JsonValue, TableData } from "../types.js";

export interface CsvOptions {
  /** The field separator, one character; default `,`. */
  delimiter?: string;
}

/** Text → rows of fields. Blank lines are skipped; a quote left open or text after a closing quote is an error. */
export function parseCsv(text: string, options: CsvOptions = {}): string[][] {
  const delimiter = options.delimiter ?? ",";
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    throw new InvalidArtifactError("delimiter", delimiter, "must be one character other than a quote or a line break");
  }
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  // A line that holds nothing at all (not even an empty quoted field) is skipped, not read as a row of one "".
  let lineHasContent = false;

  const endField = () => {
    row.push(field);
    field = "";
  };
  const endRow = () => {
    if (lineHasContent) {
      endField();
      rows.push(row);
    }
    row = [];
    field = "";
    lineHasContent = false;
  };

  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && field === "") {
      // A quoted field: read to the closing quote; `""` is one quote.
      const startLine = line;
      lineHasContent = true;
      i++;
      for (;;) {
        if (i >= text.length) {
          throw new InvalidArtifactError("csv", `line ${startLine}`, "a quoted field is never closed");
        }
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === "\n" || (q === "\r" && text[i + 1] !== "\n")) line++;
        field += q;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== delimiter && next !== "\n" && next !== "\r") {
        throw new InvalidArtifactError("csv", `line ${line}`, `unexpected ${JSON.stringify(next)} after a closing quote`);
      }
      // The delimiter or line end after the closing quote is handled by the loop as for any field.
      continue;
    }
    if (c === delimiter) {
      lineHasContent = true;
      endField();
      i++;
    } else if (c === "\n" || c === "\r") {
      endRow();
      i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line++;
    } else {
      lineHasContent = true;
      field += c;
      i++;
    }
  }
  endRow();
  return rows;
}

/** A number as JSON writes it (no leading zeros, no `+`, no hex): `007` and `1e` stay text. */
const NUMBER_RE = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/;

/** One CSV field → a cell: empty → null, a plain number → a number, anything else → the text. */
export function csvCell(text: string): JsonValue {
  if (text === "") return null;
  if (NUMBER_RE.test(text)) {
    const n = Number(text);
    if (Number.isFinite(n)) return n;
  }
  return text;
}

/** CSV with a header row → a table: the header names the columns; short rows are padded with nulls. */
export function csvToTable(text: string, options: CsvOptions = {}): TableData {
  const [header, ...body] = parseCsv(text, options);
  if (!header) throw new InvalidArtifactError("csv", text.slice(0, 40), "has no header row");
  const rows = body.map((fields, index) => {
    if (fields.length > header.length) {
      throw new InvalidArtifactError(
        "csv", `row ${index + 2}`, `has ${fields.length} fields but the header names ${header.length} columns`,
      );
    }
    const cells = fields.map(csvCell);
    while (cells.length < header.length) cells.push(null);
    return cells;
  });
  return { columns: header, rows };
}
