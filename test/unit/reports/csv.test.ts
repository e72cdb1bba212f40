import { describe, expect, it } from "vitest";
import { csvCell, csvRow } from "@/lib/reports/csv.ts";

describe("csv", () => {
  it("quotes commas, quotes and line breaks (RFC 4180)", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(" padded ")).toBe('" padded "');
  });

  it("neutralises cells a spreadsheet would run as a formula", () => {
    for (const s of ["=1+1", "+1", "-1", "@SUM(A1)", "\tcmd", "\r=1"]) expect(csvCell(s).replace(/^"/, "")).toMatch(/^'/);
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    // Numbers are data, not text someone typed: -1 stays a number.
    expect(csvCell(-1)).toBe("-1");
  });

  it("empty for null and undefined; rows end in CRLF", () => {
    expect(csvRow(["a", null, undefined, 3, true])).toBe("a,,,3,true\r\n");
  });
});
