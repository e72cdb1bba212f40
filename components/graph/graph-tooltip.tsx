import { formatCount } from "@/lib/view/format.ts";
import { useNow } from "../ui/use-now.ts";
import { BreakerChip, LockChip } from "./breaker-chip.tsx";
import { Glyph } from "./glyph.tsx";
import type { SceneLink, SceneNode } from "./scene.ts";

export type TooltipTarget = { kind: "node"; node: SceneNode | undefined } | { kind: "link"; link: SceneLink | undefined };

/** What is under the pointer, in words. Kept inside the canvas box and out of the pointer's way. */
export function GraphTooltip({ x, y, target }: { x: number; y: number; target: TooltipTarget }) {
  const now = useNow(1_000);
  const flipX = x > 260;
  const style = { left: flipX ? undefined : x + 14, right: flipX ? `calc(100% - ${x - 14}px)` : undefined, top: Math.max(4, y - 10) };
  let body: React.ReactNode = null;
  if (target.kind === "node" && target.node) {
    const n = target.node.data;
    body = (
      <>
        <p className="font-mono text-sm font-semibold">{n.id}</p>
        <p className="text-xs text-muted">{n.displayName ?? "not in the registry"}</p>
        {target.node.badges.length > 0 ? (
          <p className="mt-1 flex flex-wrap gap-2 text-xs">
            {target.node.badges.map((b) => (
              <span key={b.word} className="inline-flex items-center gap-1">
                <Glyph name={b.glyph} />
                {b.word}
              </span>
            ))}
          </p>
        ) : null}
        <p className="mt-1 text-xs tabular-nums">
          sent {formatCount(n.sent)} · received {formatCount(n.received)}
        </p>
      </>
    );
  } else if (target.kind === "link" && target.link) {
    const l = target.link;
    body = (
      <>
        <p className="font-mono text-sm font-semibold">
          {l.data.sender} → {l.data.receiver}
        </p>
        <p className="mt-1 flex flex-wrap gap-1">
          <BreakerChip breaker={l.data.breaker} now={now} />
          <LockChip kind={l.lock} />
        </p>
        <p className="mt-1 text-xs tabular-nums">
          {formatCount(l.data.messages)} messages: {formatCount(l.data.verified)} verified, {formatCount(l.data.unverified)} unverified, {formatCount(l.data.forgedOrReplayed)} forged or replayed
        </p>
        {l.data.breaker.reason ? <p className="mt-1 text-xs text-muted">{l.data.breaker.reason}</p> : null}
      </>
    );
  }
  if (!body) return null;
  return (
    <div role="tooltip" className="pointer-events-none absolute z-10 max-w-xs rounded-lg border border-line bg-panel px-3 py-2 shadow-lg" style={style}>
      {body}
    </div>
  );
}
