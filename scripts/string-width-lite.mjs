/**
 * `string-width` for the bundled command (scripts/bundle.mjs puts it in place of the package, which yargs and its
 * cliui and wrap-ansi import to lay out help). The package makes an `Intl.Segmenter` and a `\p{RGI_Emoji}` regular
 * expression when it loads, ~17 ms that every run of the command paid before its first line of work. Help text is
 * printable ASCII, whose width is its length; anything else is measured here by code point: zero for marks,
 * controls and default-ignorable characters, two for emoji and East Asian wide or fullwidth characters.
 */
import stripAnsi from "strip-ansi";
import { eastAsianWidth } from "get-east-asian-width";

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
let zeroWidth;
let emoji;

export default function stringWidth(text, options = {}) {
  if (typeof text !== "string" || text.length === 0) return 0;
  if (PRINTABLE_ASCII.test(text)) return text.length;
  const plain = options.countAnsiEscapeCodes ? text : stripAnsi(text);
  zeroWidth ??= /^[\p{Default_Ignorable_Code_Point}\p{Control}\p{Format}\p{Mark}\p{Surrogate}]$/u;
  emoji ??= /^\p{Extended_Pictographic}$/u;
  const eaw = { ambiguousAsWide: options.ambiguousIsNarrow === false };
  let width = 0;
  for (const ch of plain) {
    if (zeroWidth.test(ch)) continue;
    width += emoji.test(ch) ? 2 : eastAsianWidth(ch.codePointAt(0), eaw);
  }
  return width;
}
