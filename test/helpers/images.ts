/** The smallest byte headers that real image files of each format start with, made here instead of fixtures. */

/** A complete 1×1 PNG. */
export const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082",
  "hex",
);
/** A JPEG start: SOI + APP0 JFIF marker. */
export const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from("JFIF\0", "latin1"), Buffer.alloc(16)]);
/** A GIF89a header with a 1×1 logical screen. */
export const GIF = Buffer.concat([Buffer.from("GIF89a", "latin1"), Buffer.from([1, 0, 1, 0, 0, 0, 0]), Buffer.from(";", "latin1")]);
/** A RIFF/WEBP container with a VP8L chunk header. */
export const WEBP = Buffer.concat([
  Buffer.from("RIFF", "latin1"), Buffer.from([26, 0, 0, 0]), Buffer.from("WEBPVP8L", "latin1"), Buffer.alloc(18),
]);
/** An ISO-BMFF `ftyp` box with major brand avif. */
export const AVIF = Buffer.concat([
  Buffer.from([0, 0, 0, 0x1c]), Buffer.from("ftypavif", "latin1"), Buffer.from([0, 0, 0, 0]),
  Buffer.from("avifmif1miaf", "latin1"), Buffer.alloc(8),
]);
/** Refused: SVG (a script carrier), an HEIC ftyp box, and plain text. */
export const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
export const HEIC = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypheic", "latin1"), Buffer.alloc(12)]);
export const TEXT = Buffer.from("hello, I am not an image\n");
