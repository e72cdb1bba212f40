import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import { GraphColumns, fromGraphColumns } from "@/lib/api/graph-columns.ts";
import { apiGet } from "../api-client.ts";
import { takeEarlyGraph } from "./early-graph.ts";
import { graphApiUrl, type GraphView } from "./graph-url.ts";

/**
 * The graph for a window, live or replayed. A replayed past does not change,
 * so it is not polled; the previous answer stays on screen while the next
 * loads, so a replay step or a refresh never blanks the graph.
 */
export const graphQuery = (v: Pick<GraphView, "window" | "at" | "label">) =>
  queryOptions({
    queryKey: ["graph", { window: v.window, at: v.at, label: v.label }],
    queryFn: async ({ signal }) => {
      const url = graphApiUrl(v);
      // The page's inline script may have the answer already (early-graph.ts); checked like any other.
      const early = await takeEarlyGraph(url);
      const parsed = early ? GraphColumns.safeParse(early) : null;
      return fromGraphColumns(parsed?.success ? parsed.data : await apiGet(url, GraphColumns, signal));
    },
    placeholderData: keepPreviousData,
    ...(v.at ? { refetchInterval: false as const, staleTime: Infinity } : {}),
  });
