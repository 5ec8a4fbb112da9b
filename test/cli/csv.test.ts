// The CSV reader behind `create table`: RFC 4180 quoting, line ends, header row, cells typed.
import { describe, expect, it } from "vitest";
import { csvCell, csvToTable, parseCsv } from "../../src/cli/csv.js";
import { InvalidArtifactError } from "../../src/errors.js";

describe("parseCsv", () => {
  it("splits plain fields and rows", () => {
    expect(parseCsv("a,b,c\n1,2,3\n")).toEqual([["a", "b", "c"], ["1", "2", "3"]]);
  });

  it("reads quoted fields with commas, escaped quotes and line breaks inside", () => {
    const text = 'name,note\n"Smith, J.","said ""hi"""\n"multi\nline",x\n';
    expect(parseCsv(text)).toEqual([["name", "note"], ["Smith, J.", 'said "hi"'], ["multi\nline", "x"]]);
  });

  it("accepts CRLF, lone CR and no final line end alike", () => {
    expect(parseCsv("a,b\r\n1,2\r\n")).toEqual([["a", "b"], ["1", "2"]]);
    expect(parseCsv("a,b\r1,2")).toEqual([["a", "b"], ["1", "2"]]);
    expect(parseCsv('a\r\n"x\r\ny"\r\n')).toEqual([["a"], ["x\r\ny"]]);
  });

  it("keeps empty fields, empty quoted fields and trailing empties", () => {
    expect(parseCsv('a,,""\n,\n')).toEqual([["a", "", ""], ["", ""]]);
  });

  it("skips blank lines and a byte-order mark", () => {
    expect(parseCsv("\ufeffa,b\n\n1,2\n\n")).toEqual([["a", "b"], ["1", "2"]]);
  });

  it("keeps a quote inside an unquoted field as text", () => {
    expect(parseCsv('5" disk,x\n')).toEqual([['5" disk', "x"]]);
  });

  it("takes another delimiter", () => {
    expect(parseCsv("a;b\n\"1;2\";3", { delimiter: ";" })).toEqual([["a", "b"], ["1;2", "3"]]);
  });

  it("refuses a quote never closed, naming its line", () => {
    expect(() => parseCsv('a\n"open\nstill open')).toThrow(InvalidArtifactError);
    expect(() => parseCsv('a\n"open\nstill open')).toThrow(/line 2.*never closed/);
  });

  it("refuses text after a closing quote", () => {
    expect(() => parseCsv('"ab"c,d')).toThrow(/unexpected "c" after a closing quote/);
  });
});

describe("csvToTable", () => {
  it("uses the header row as columns, types plain numbers, empties to null, pads short rows", () => {
    expect(csvToTable("id,name,score\n1,Ann,9.5\n2,\"Bo\"\n007,x,1e3\n")).toEqual({
      columns: ["id", "name", "score"],
      rows: [[1, "Ann", 9.5], [2, "Bo", null], ["007", "x", 1000]],
    });
  });

  it("refuses a row longer than the header and an empty text", () => {
    expect(() => csvToTable("a,b\n1,2,3\n")).toThrow(/"row 2": has 3 fields but the header names 2 columns/);
    expect(() => csvToTable("")).toThrow(/no header row/);
  });

  it("types cells by JSON number syntax only", () => {
    expect([csvCell("-1.5"), csvCell("+1"), csvCell("0x10"), csvCell("1e"), csvCell(""), csvCell(" 1")])
      .toEqual([-1.5, "+1", "0x10", "1e", null, " 1"]);
  });
});
