// The PDF as an auditor gets it, read back with poppler (pdftotext,
// pdftoppm; CI installs poppler-utils): the sections are there, text is not
// lost to the font's code page, long tables flow onto new pages with their
// header repeated, and every page renders.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pdfText, renderIncidentPdf, reportTimeline, utc } from "@/lib/reports/incident-pdf.ts";
import { fanOutFigure, predicate } from "./predicate-fixtures.ts";

const dir = mkdtempSync(path.join(tmpdir(), "fb-pdf-"));

async function render(name: string, p = predicate()): Promise<{ file: string; text: string; pages: number }> {
  const file = path.join(dir, `${name}.pdf`);
  writeFileSync(file, await renderIncidentPdf(p));
  const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
  execFileSync("pdftoppm", ["-r", "40", "-png", file, path.join(dir, name)]);
  const pages = readdirSync(dir).filter((f) => f.startsWith(`${name}-`) && f.endsWith(".png")).length;
  return { file, text, pages };
}

describe("incident PDF", () => {
  it("has the summary, lineage, timeline, records, who did what, and how to verify", async () => {
    const { text, pages } = await render("small");
    for (const heading of ["Summary", "Lineage: origin to blast radius", "Timeline", "Records involved and their verdicts", "Who did what", "Verifying this report"]) {
      expect(text).toContain(heading);
    }
    expect(text).toContain("Incident 7: Forged quote -> planner -> wire transfer");
    expect(text).toContain("CRITICAL");
    expect(text).toContain("alice, 2026-11-21 12:01:00 UTC");
    expect(text).toContain("breaker CLOSED ->");
    expect(text).toContain("planner -> buyer: forced: forced open");
    expect(text).toContain("unsigned: no firebreak.signature attribute");
    expect(text).toContain("Page 1 of");
    expect(pages).toBeGreaterThanOrEqual(1);
  });

  it("a long incident flows over pages: the table header repeats, nothing runs off the page", async () => {
    const p = predicate({ timeline: 120, auditEntries: 80, figure: fanOutFigure(30, 8), longText: "a long explanation ".repeat(12) });
    const { text, pages } = await render("long", p);
    expect(pages).toBeGreaterThan(4);
    expect(text.match(/Time \(UTC\)\s+What\s+Who\s+Detail/g)?.length).toBeGreaterThan(2);
    expect(text).toContain(`Page ${pages} of ${pages}`);
    expect(text).toMatch(/\d+ more records not drawn for room/);
  });

  it("timeline merges findings, breaker events and audit entries about the incident, oldest first", () => {
    const rows = reportTimeline(predicate());
    expect(rows.map((r) => r.what)).toEqual([
      "finding: semantic_deviation",
      "finding: semantic_deviation",
      "finding: semantic_deviation",
      "breaker CLOSED -> OPEN",
      "incident.note",
      "incident.note",
      "breaker.force_open",
    ]);
  });

  it("text helpers: WinAnsi-safe text and times with the zone", () => {
    expect(pdfText("a → b — “q” 3×")).toBe('a -> b - "q" 3x');
    expect(pdfText("agent 🤖 名")).toBe("agent ? ?");
    expect(utc("2026-11-21T12:00:05.123Z")).toBe("2026-11-21 12:00:05 UTC");
    expect(utc(null)).toBe("-");
  });
});
