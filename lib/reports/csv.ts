// CSV that spreadsheets open safely: RFC 4180 quoting, and cells that a
// spreadsheet would run as a formula (starting with = + - @, or a tab or
// carriage return that hides one) prefixed with an apostrophe (OWASP CSV
// injection guidance). Record fields are attacker-controlled: an agent
// names itself, writes payloads and intents.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}
