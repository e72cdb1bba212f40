import { headers } from "next/headers";
import { preload } from "react-dom";
import { earlyGraphScript } from "@/components/graph/early-graph-script.ts";
import { graphApiUrl, parseGraphView } from "@/components/graph/graph-url.ts";
import { NONCE_HEADER } from "@/lib/security/csp.ts";
import { GraphClient } from "./graph-client.tsx";

export const metadata = { title: "Agent graph" };

type SearchParams = Record<string, string | string[] | undefined>;

export default async function GraphPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(await searchParams)) if (typeof value === "string") params.set(name, value);
  // The browser starts on the graph while the page's code loads, instead of after hydration; the query's fetch picks it up.
  const view = parseGraphView(params);
  const url = graphApiUrl(view);
  preload(url, { as: "fetch", crossOrigin: "anonymous" });
  const nonce = (await headers()).get(NONCE_HEADER) ?? undefined;
  return (
    <div className="mx-auto flex max-w-[1600px] flex-col gap-4">
      <header>
        <p className="text-sm font-medium text-accent">Agent graph</p>
        <h1 className="text-2xl font-semibold tracking-tight">Who talks to whom, and which breakers are open</h1>
      </header>
      {/* The view state is read from the URL (useSearchParams; the page is rendered per request, so it is there on the server).
          No Suspense boundary here: React would stream the screen after the page's shell and reveal it at least 300 ms
          after the shell's first paint (React 19.2 batches reveals), and the early picture needs its canvas on screen (ADR 0034). */}
      <GraphClient />
      {/* Draws the graph into the placeholder before hydration and hands the answer to the query (early-graph.ts).
          Not for a focus view, which shows only part of the answer. */}
      {view.hops === null ? <script nonce={nonce} dangerouslySetInnerHTML={{ __html: earlyGraphScript(url) }} /> : null}
    </div>
  );
}
