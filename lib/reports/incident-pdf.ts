// The incident report an auditor reads: summary, lineage figure (drawn as
// vector graphics), one timeline of findings, breaker transitions and human
// actions, the records involved with their verdicts, and who did what, from
// the same evidence the signed bundle carries. Text only in the PDF's
// standard fonts, so any reader shows it; times in UTC with the zone named.
import PDFDocument from "pdfkit";
import type { IncidentReportPredicate } from "./bundle-schema.ts";
import { layoutLineage } from "./lineage-layout.ts";

const PAGE = { size: "A4" as const, margin: 48 };
const INK = "#111827";
const MUTED = "#4b5563";
const RULE = "#d1d5db";
const COLOURS = { flagged: "#b91c1c", tainted: "#c2410c", clean: "#374151" };

/** Helvetica speaks WinAnsi: arrows and the like become ASCII, anything else unknown a "?". */
export function pdfText(s: string): string {
  return s
    .replace(/→/g, "->")
    .replace(/←/g, "<-")
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[–—]/g, "-")
    .replace(/×/g, "x")
    .replace(/[^\t\n\r\u0020-\u007e\u00a0-\u00ff]/gu, "?");
}

/** "2026-11-21 12:00:05 UTC": the zone always named. */
export function utc(iso: string | null): string {
  if (iso === null) return "-";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

interface Column {
  title: string;
  width: number;
}

export interface TimelineRow {
  at: string;
  what: string;
  who: string;
  text: string;
}

/** Findings, breaker transitions, incident events and audit entries as one list, oldest first. */
export function reportTimeline(p: IncidentReportPredicate): TimelineRow[] {
  const rows: (TimelineRow & { t: number; order: number })[] = [];
  for (const t of p.incident.timeline) {
    if (t.type === "finding") rows.push({ at: t.at, what: `finding: ${t.detector}`, who: t.agent ?? "-", text: `${t.text}${t.recordId ? ` (record ${t.recordId})` : ""}`, t: Date.parse(t.at), order: 0 });
    else if (t.type === "event") rows.push({ at: t.at, what: `incident ${t.kind}`, who: t.actor, text: t.text, t: Date.parse(t.at), order: 2 });
  }
  for (const b of p.breakerEvents) {
    rows.push({ at: b.at, what: `breaker ${b.from} -> ${b.to}`, who: b.actor ?? "engine", text: `${b.sender} -> ${b.receiver}: ${b.cause}${b.detail ? `: ${b.detail}` : ""}`, t: Date.parse(b.at), order: 1 });
  }
  const targets = new Set(p.audit.targets);
  for (const e of p.audit.entries) {
    if (!targets.has(e.target)) continue;
    const detail = Object.entries(e.detail)
      .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join("; ");
    rows.push({ at: e.at, what: e.action, who: e.actor, text: `${e.target}${detail ? ` (${detail})` : ""} [audit #${e.seq}]`, t: Date.parse(e.at), order: 3 });
  }
  rows.sort((a, b) => a.t - b.t || a.order - b.order);
  return rows.map(({ t: _t, order: _o, ...r }) => r);
}

class Writer {
  readonly doc: PDFKit.PDFDocument;
  readonly left = PAGE.margin;
  readonly width: number;
  readonly bottom: number;

  constructor(doc: PDFKit.PDFDocument) {
    this.doc = doc;
    this.width = doc.page.width - 2 * PAGE.margin;
    this.bottom = doc.page.height - PAGE.margin - 18;
  }

  get y(): number {
    return this.doc.y;
  }

  ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  heading(text: string): void {
    this.ensure(60);
    this.doc.moveDown(0.8);
    this.doc.font("Helvetica-Bold").fontSize(13).fillColor(INK).text(pdfText(text), this.left, this.doc.y, { width: this.width });
    const y = this.doc.y + 2;
    this.doc.moveTo(this.left, y).lineTo(this.left + this.width, y).lineWidth(0.6).strokeColor(RULE).stroke();
    this.doc.y = y + 6;
  }

  paragraph(text: string, options: { size?: number; colour?: string; bold?: boolean } = {}): void {
    this.doc
      .font(options.bold ? "Helvetica-Bold" : "Helvetica")
      .fontSize(options.size ?? 9.5)
      .fillColor(options.colour ?? INK)
      .text(pdfText(text), this.left, this.doc.y, { width: this.width });
  }

  /** Label and value pairs in two columns. */
  facts(pairs: [string, string][]): void {
    const labelW = 120;
    for (const [label, value] of pairs) {
      const text = pdfText(value);
      this.doc.font("Helvetica").fontSize(9.5);
      const h = Math.max(this.doc.heightOfString(text, { width: this.width - labelW }), 12);
      this.ensure(h + 3);
      const y = this.doc.y;
      this.doc.font("Helvetica-Bold").fillColor(MUTED).text(pdfText(label), this.left, y, { width: labelW - 8 });
      this.doc.font("Helvetica").fillColor(INK).text(text, this.left + labelW, y, { width: this.width - labelW });
      this.doc.y = y + h + 3;
    }
  }

  /** A table that wraps cells and repeats its header on each new page. */
  table(columns: Column[], rows: string[][], size = 8.5): void {
    const total = columns.reduce((a, c) => a + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * this.width);
    const pad = 3;
    const header = () => {
      this.ensure(30);
      const y = this.doc.y;
      let x = this.left;
      this.doc.rect(this.left, y, this.width, size + 2 * pad + 2).fill("#f3f4f6");
      this.doc.font("Helvetica-Bold").fontSize(size).fillColor(MUTED);
      columns.forEach((c, i) => {
        this.doc.text(pdfText(c.title), x + pad, y + pad + 1, { width: widths[i]! - 2 * pad, lineBreak: false });
        x += widths[i]!;
      });
      this.doc.y = y + size + 2 * pad + 2;
    };
    header();
    if (rows.length === 0) {
      this.doc.font("Helvetica-Oblique").fontSize(size).fillColor(MUTED).text("none", this.left + pad, this.doc.y + pad, { width: this.width });
      this.doc.moveDown(0.3);
      return;
    }
    for (const row of rows) {
      this.doc.font("Helvetica").fontSize(size);
      const cells = row.map(pdfText);
      const h = Math.max(...cells.map((c, i) => this.doc.heightOfString(c, { width: widths[i]! - 2 * pad }))) + 2 * pad;
      if (this.doc.y + h > this.bottom) {
        this.doc.addPage();
        header();
      }
      const y = this.doc.y;
      let x = this.left;
      cells.forEach((c, i) => {
        this.doc.fillColor(INK).text(c, x + pad, y + pad, { width: widths[i]! - 2 * pad });
        x += widths[i]!;
      });
      this.doc.moveTo(this.left, y + h).lineTo(this.left + this.width, y + h).lineWidth(0.4).strokeColor(RULE).stroke();
      this.doc.y = y + h;
    }
  }

  lineage(p: IncidentReportPredicate): void {
    const layout = layoutLineage(p.lineage, { width: this.width });
    if (layout.nodes.length === 0) {
      this.paragraph("No stored records to draw: the incident's records were not found in the lineage graph.", { colour: MUTED });
      return;
    }
    this.ensure(layout.height + 60);
    const top = this.doc.y + 4;
    const doc = this.doc;
    for (const e of layout.edges) {
      const x0 = this.left + e.from.x;
      const y0 = top + e.from.y;
      const x1 = this.left + e.to.x;
      const y1 = top + e.to.y;
      const dx = Math.max(18, Math.abs(x1 - x0) / 2);
      doc.moveTo(x0, y0).bezierCurveTo(x0 + dx, y0, x1 - dx, y1, x1 - 4, y1).lineWidth(0.8).strokeColor(e.kind === "parent" ? "#6b7280" : "#9ca3af");
      if (e.kind !== "parent") doc.dash(2.5, { space: 2 });
      doc.stroke().undash();
      doc.moveTo(x1, y1).lineTo(x1 - 5, y1 - 3).lineTo(x1 - 5, y1 + 3).closePath().fill("#6b7280");
    }
    for (const n of layout.nodes) {
      const x = this.left + n.x;
      const y = top + n.y;
      const colour = n.flagged ? COLOURS.flagged : n.tainted ? COLOURS.tainted : COLOURS.clean;
      doc.roundedRect(x, y, n.w, n.h, 3).lineWidth(n.flagged ? 1.6 : 0.8).fillAndStroke(n.flagged ? "#fef2f2" : n.tainted ? "#fff7ed" : "#ffffff", colour);
      // Colour is never the only signal: a mark and a word say it too.
      const mark = n.flagged ? "! " : n.tainted ? "~ " : "";
      doc.font("Helvetica-Bold").fontSize(7.5).fillColor(colour).text(pdfText(`${mark}${n.id}`), x + 4, y + 4, { width: n.w - 8, height: 10, ellipsis: true, lineBreak: false });
      doc.font("Helvetica").fontSize(6.8).fillColor(MUTED).text(pdfText(`${n.kind} by ${n.agent}`), x + 4, y + 16, { width: n.w - 8, height: 9, ellipsis: true, lineBreak: false });
    }
    doc.y = top + layout.height + 10;
    const notes = [
      "Left to right: from the origin to what depends on it (taint flows along the arrows; dashed: authority or state edges).",
      "\"!\" red: flagged on its own (a verdict, an anomaly or a mark); \"~\" orange: tainted by something upstream; grey: clean.",
    ];
    if (layout.hidden > 0 || p.lineage.truncated) notes.push(`${layout.hidden} more record${layout.hidden === 1 ? "" : "s"} not drawn for room${p.lineage.truncated ? "; the walk was bounded" : ""}: the bundle lists them all.`);
    this.paragraph(notes.join(" "), { size: 8, colour: MUTED });
  }
}

/** The report as PDF bytes. */
export function renderIncidentPdf(p: IncidentReportPredicate): Promise<Buffer> {
  const inc = p.incident.incident;
  const doc = new PDFDocument({
    size: PAGE.size,
    margin: PAGE.margin,
    bufferPages: true,
    info: { Title: pdfText(`Incident ${inc.id}: ${inc.title}`), Author: "Firebreak", Subject: "Incident report", CreationDate: new Date(p.generatedAt) },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const w = new Writer(doc);

  doc.font("Helvetica").fontSize(9).fillColor(MUTED).text("FIREBREAK INCIDENT REPORT", w.left, w.y, { characterSpacing: 1 });
  doc.moveDown(0.2);
  doc.font("Helvetica-Bold").fontSize(17).fillColor(INK).text(pdfText(`Incident ${inc.id}: ${inc.title}`), w.left, w.y, { width: w.width });
  doc.moveDown(0.3);
  w.paragraph(`Generated ${utc(p.generatedAt)} for ${p.generatedBy}, signed by instance key ${p.instance.keyId}.`, { size: 8.5, colour: MUTED });

  w.heading("Summary");
  w.facts([
    ["Severity", inc.severity.toUpperCase()],
    ["Status", `${inc.status}${inc.mergedInto ? ` (into incident ${inc.mergedInto})` : ""}`],
    ["First finding", utc(inc.firstAt)],
    ["Last finding", utc(inc.lastAt)],
    ["Acknowledged", inc.acknowledgedBy ? `${inc.acknowledgedBy}, ${utc(inc.acknowledgedAt)}` : "no"],
    ["Resolved", inc.resolvedBy ? `${inc.resolvedBy}, ${utc(inc.resolvedAt)}: ${inc.resolution ?? ""}` : "no"],
    ["Agents", inc.agents.join(", ") || "-"],
    ["Origin", inc.originIds.length > 0 ? inc.originIds.join(", ") : "no flagged origin upstream"],
    ["Findings", `${inc.findingCount}${inc.maxImpact === null ? "" : `, largest impact ${inc.maxImpact.toFixed(1)}`}`],
    ["Records in this report", String(p.records.length)],
  ]);

  w.heading("Lineage: origin to blast radius");
  w.lineage(p);

  w.heading("Timeline");
  w.table(
    [
      { title: "Time (UTC)", width: 19.5 },
      { title: "What", width: 18 },
      { title: "Who", width: 14 },
      { title: "Detail", width: 48.5 },
    ],
    reportTimeline(p).map((r) => [utc(r.at).replace(" UTC", ""), r.what, r.who, r.text]),
  );

  w.heading("Records involved and their verdicts");
  w.table(
    [
      { title: "Record", width: 17 },
      { title: "Kind", width: 10 },
      { title: "Agent -> to", width: 19 },
      { title: "Time (UTC)", width: 19.5 },
      { title: "Verdicts at the door", width: 34.5 },
    ],
    p.records.map((r) => [
      r.id,
      r.kind + (r.actionClass ? ` (${r.actionClass})` : ""),
      `${r.agent}${r.to.length > 0 ? ` -> ${r.to.join(", ")}` : ""}`,
      utc(r.timestamp).replace(" UTC", ""),
      r.verdictDetails.map((v) => (v.detail ? `${v.verdict}: ${v.detail}` : v.verdict)).join("; ") || "-",
    ]),
  );

  w.heading("Who did what");
  const targets = new Set(p.audit.targets);
  w.table(
    [
      { title: "Time (UTC)", width: 17 },
      { title: "Who", width: 18 },
      { title: "Action", width: 20 },
      { title: "Target", width: 20 },
      { title: "Audit #", width: 9 },
    ],
    p.audit.entries.filter((e) => targets.has(e.target)).map((e) => [utc(e.at).replace(" UTC", ""), e.actor, e.action, e.target, String(e.seq)]),
  );
  for (const n of p.incident.notes) w.paragraph(`Note by ${n.author}, ${utc(n.at)}: ${n.text}`, { size: 8.5 });

  w.heading("Verifying this report");
  w.paragraph(
    `The signed bundle (GET /api/v1/incidents/${inc.id}/report.json) carries the same evidence with each record's signature and the audit entries' hash chain. ` +
      `Check it offline with \`npm run report:verify <bundle.json> --public-key ${p.instance.publicKey}\` (docs/audit.md). ` +
      (p.audit.checkpoint ? `The audit entries are anchored by checkpoint ${p.audit.checkpoint.seq}, signed ${utc(p.audit.checkpoint.at)}.` : "No signed audit checkpoint covers these entries yet."),
    { size: 8.5, colour: MUTED },
  );

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Below the bottom margin pdfkit would start a new page: the footer lives in the margin.
    doc.page.margins.bottom = 0;
    const y = doc.page.height - PAGE.margin + 8;
    doc.font("Helvetica").fontSize(7.5).fillColor(MUTED);
    doc.text(pdfText(`Incident ${inc.id} - generated ${utc(p.generatedAt)}`), w.left, y, { width: w.width / 2, lineBreak: false });
    doc.text(`Page ${i + 1} of ${range.count}`, w.left + w.width / 2, y, { width: w.width / 2, align: "right", lineBreak: false });
  }
  doc.end();
  return done;
}
