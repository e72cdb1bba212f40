// Query of GET /api/v1/records/export: the records list's filters (no
// cursor, no limit: the export streams every match) and the format.
import { z } from "zod";
import { RecordsQuery } from "./params.ts";

export const RecordsExportQuery = RecordsQuery.omit({ cursor: true, limit: true }).extend({
  format: z.enum(["csv", "json"], { error: "format must be csv or json" }).default("csv").meta({ description: "`csv` (spreadsheet-safe: formula-like cells are prefixed with ') or `json` (an array of RecordView)." }),
});
export type RecordsExportQuery = z.output<typeof RecordsExportQuery>;
