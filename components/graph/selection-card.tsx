import Link from "next/link";
import { formatCount } from "@/lib/view/format.ts";
import { agentHref, edgeHref } from "../fleet/fleet-style.ts";
import { TONE_TEXT } from "../ui/tone.tsx";
import { BreakerChip, LockChip } from "./breaker-chip.tsx";
import { Glyph } from "./glyph.tsx";
import { parseEdgeParam, type GraphView } from "./graph-url.ts";
import type { Scene } from "./scene.ts";

/** The selected agent or link in words, with the focus shortcut. */
export function SelectionCard({ scene, view, now, onClear, onFocus }: { scene: Scene; view: GraphView; now: Date; onClear: () => void; onFocus: (hops: number | null) => void }) {
  const edge = parseEdgeParam(view.edge);
  const node = view.agent !== null ? scene.nodes[scene.byId.get(view.agent) ?? -1] : undefined;
  const link = edge ? scene.links.find((l) => l.data.sender === edge[0] && l.data.receiver === edge[1]) : undefined;
  if (!node && !link) {
    if (view.agent || view.edge) {
      return <p className="rounded-lg border border-dashed border-line px-3 py-2 text-sm text-muted">The selection ({view.agent ?? view.edge}) is not in this window.</p>;
    }
    return <p className="rounded-lg border border-dashed border-line px-3 py-2 text-sm text-muted">Choose an agent or a link, on the graph or in the lists, to see it here.</p>;
  }
  return (
    <section aria-label="Selection" data-testid="graph-selection" className="rounded-xl border border-line bg-panel px-4 py-3 shadow-sm">
      <div className="flex items-start justify-between gap-2">
        {node ? (
          <div className="min-w-0">
            <Link href={agentHref(node.data.id)} className="block truncate font-mono text-sm font-semibold text-accent underline-offset-2 hover:underline" title="Open the agent's page">
              {node.data.id}
            </Link>
            <p className="truncate text-xs text-muted">{node.data.displayName ?? "not in the registry"}</p>
          </div>
        ) : link ? (
          <Link href={edgeHref(link.data.sender, link.data.receiver)} className="min-w-0 truncate font-mono text-sm font-semibold text-accent underline-offset-2 hover:underline" title="Open the edge's page: traffic and breaker history">
            {link.data.sender} → {link.data.receiver}
          </Link>
        ) : null}
        <button type="button" onClick={onClear} className="rounded-md border border-line px-2 py-0.5 text-xs hover:bg-raised">
          Clear
        </button>
      </div>
      {node ? (
        <>
          <p className="mt-2 flex flex-wrap gap-2 text-xs">
            {node.badges.map((b) => (
              <span key={b.word} className={`inline-flex items-center gap-1 ${TONE_TEXT[b.tone]}`}>
                <Glyph name={b.glyph} />
                {b.word}
              </span>
            ))}
            {Object.entries(node.data.labels).map(([k, v]) => (
              <span key={k} className="rounded bg-raised px-1.5 py-0.5 font-mono">
                {k}={v}
              </span>
            ))}
          </p>
          <p className="mt-1 text-xs tabular-nums">
            sent {formatCount(node.data.sent)} · received {formatCount(node.data.received)}
          </p>
          {view.hops === null ? (
            <button type="button" onClick={() => onFocus(1)} className="mt-2 rounded-md border border-line px-2 py-1 text-xs font-medium hover:bg-raised">
              Focus: show only its neighbours
            </button>
          ) : (
            <p className="mt-2 text-xs text-muted">
              Focus: {view.hops} hop{view.hops === 1 ? "" : "s"} {view.dir === "both" ? "both ways" : `${view.dir}stream`}, {formatCount(scene.shownNodes)} agents shown.{" "}
              <button type="button" onClick={() => onFocus(null)} className="underline">
                Show all
              </button>
            </p>
          )}
        </>
      ) : link ? (
        <>
          <p className="mt-2 flex flex-wrap gap-1">
            <BreakerChip breaker={link.data.breaker} now={now} />
            <LockChip kind={link.lock} />
          </p>
          <p className="mt-1 text-xs tabular-nums">
            {formatCount(link.data.messages)} messages: {formatCount(link.data.verified)} verified, {formatCount(link.data.unverified)} unverified, {formatCount(link.data.forgedOrReplayed)} forged or replayed
          </p>
          {link.data.breaker.reason ? <p className="mt-1 text-xs text-muted">{link.data.breaker.reason}</p> : null}
        </>
      ) : null}
    </section>
  );
}
