// The download links of a filtered list: the same filters the screen shows,
// so an export is exactly what the analyst is looking at (all pages of it).
export function recordsExportHref(filters: Readonly<Record<string, string | undefined>>, format: "csv" | "json"): string {
  const params = new URLSearchParams({ format });
  for (const [k, v] of Object.entries(filters)) if (v !== undefined && v.trim() !== "") params.set(k, v.trim());
  return `/api/v1/records/export?${params.toString()}`;
}

/** Audit entry actions in words: `report.export_pdf` -> "report export pdf". */
export function auditActionLabel(action: string): string {
  return action.replace(/[._]/g, " ");
}
