"use client";

import { useMemo, useState } from "react";
import { formatCount } from "@/lib/view/format.ts";
import { TONE_TEXT } from "../ui/tone.tsx";
import { useNow } from "../ui/use-now.ts";
import { BreakerChip, LockChip } from "./breaker-chip.tsx";
import { Glyph } from "./glyph.tsx";
import { edgeParam } from "./graph-url.ts";
import type { Scene, SceneLink, SceneNode } from "./scene.ts";
import { BREAKER_STYLES, STATE_SEVERITY } from "./style-math.ts";
import type { BreakerStateName } from "@/lib/engine/breaker/states.ts";
import { VirtualList } from "./virtual-list.tsx";

const ROW = 52;
const LOCK_RANK = { broken: 2, hollow: 1, solid: 0 } as const;

/** Worst first: breaker state, then a broken or hollow lock, then traffic. */
export function compareLinks(a: SceneLink, b: SceneLink): number {
  return (
    STATE_SEVERITY[b.style.state] - STATE_SEVERITY[a.style.state] ||
    (b.lock ? LOCK_RANK[b.lock] : -1) - (a.lock ? LOCK_RANK[a.lock] : -1) ||
    b.data.messages - a.data.messages ||
    (a.data.sender + a.data.receiver < b.data.sender + b.data.receiver ? -1 : 1)
  );
}

/**
 * The keyboard way into the graph: searchable lists of agents and links;
 * choosing one selects it on the canvas (and in the URL).
 */
export function GraphSideList({
  scene,
  selectedAgent,
  selectedEdge,
  onSelectAgent,
  onSelectLink,
  height,
  breaker = null,
  onClearBreaker,
}: {
  scene: Scene;
  selectedAgent: string | null;
  selectedEdge: string | null;
  onSelectAgent: (id: string) => void;
  onSelectLink: (sender: string, receiver: string) => void;
  height: number;
  /** Only links in this breaker state; the list opens on links. */
  breaker?: BreakerStateName | null;
  onClearBreaker?: () => void;
}) {
  const [tab, setTab] = useState<"agents" | "links">(breaker ? "links" : "agents");
  const [search, setSearch] = useState("");
  const now = useNow(1_000);
  const needle = search.trim().toLowerCase();

  const agents = useMemo(() => {
    const shown = scene.nodes.filter((n) => n.shown);
    const hits = needle === "" ? shown : shown.filter((n) => n.data.id.toLowerCase().includes(needle) || (n.data.displayName ?? "").toLowerCase().includes(needle));
    return [...hits].sort((a, b) => b.badges.length - a.badges.length || b.data.sent + b.data.received - (a.data.sent + a.data.received) || (a.data.id < b.data.id ? -1 : 1));
  }, [scene, needle]);
  const links = useMemo(() => {
    const shown = scene.links.filter((l) => l.shown && (breaker === null || l.style.state === breaker));
    const hits = needle === "" ? shown : shown.filter((l) => l.data.sender.toLowerCase().includes(needle) || l.data.receiver.toLowerCase().includes(needle));
    return [...hits].sort(compareLinks);
  }, [scene, needle, breaker]);

  const tabClass = (on: boolean) => `flex-1 rounded-md px-2 py-1 text-sm font-medium ${on ? "bg-raised text-fg" : "text-muted hover:text-fg"}`;
  const totalLinks = scene.links.filter((l) => l.shown).length;

  return (
    <div className="flex flex-col gap-2">
      <div role="tablist" aria-label="Lists" className="flex rounded-lg border border-line bg-panel p-0.5">
        <button type="button" role="tab" aria-selected={tab === "agents"} onClick={() => setTab("agents")} className={tabClass(tab === "agents")}>
          Agents <span className="tabular-nums text-muted">{formatCount(scene.shownNodes)}</span>
        </button>
        <button type="button" role="tab" aria-selected={tab === "links"} onClick={() => setTab("links")} className={tabClass(tab === "links")}>
          Links <span className="tabular-nums text-muted">{formatCount(totalLinks)}</span>
        </button>
      </div>
      <label className="flex flex-col gap-1 text-xs font-medium text-muted">
        <span className="sr-only">Search {tab}</span>
        <input
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder={tab === "agents" ? "Search agents" : "Search links by agent"}
          className="h-9 rounded-lg border border-line bg-bg px-2 text-sm text-fg"
        />
      </label>
      {breaker ? (
        <p data-testid="breaker-filter" className="flex items-center justify-between gap-2 rounded-md bg-raised px-2 py-1 text-xs">
          <span>
            Links whose breaker is <span className="font-semibold">{BREAKER_STYLES[breaker].word.toLowerCase()}</span>
          </span>
          <button type="button" onClick={onClearBreaker} className="underline">
            Show all
          </button>
        </p>
      ) : null}
      <p className="text-xs text-muted" aria-live="polite">
        {tab === "agents" ? `${formatCount(agents.length)} of ${formatCount(scene.nodes.length)} agents` : `${formatCount(links.length)} of ${formatCount(scene.links.length)} links`}
        {scene.focus ? " (focus on)" : ""}
      </p>
      <div className="rounded-lg border border-line bg-panel">
        {tab === "agents" ? (
          <VirtualList
            items={agents}
            rowHeight={ROW}
            height={height}
            label="Agents"
            getKey={(n) => n.data.id}
            renderRow={(n) => <AgentRow n={n} selected={n.data.id === selectedAgent} onSelect={onSelectAgent} />}
          />
        ) : (
          <VirtualList
            items={links}
            rowHeight={ROW}
            height={height}
            label="Links"
            getKey={(l) => edgeParam(l.data.sender, l.data.receiver)}
            renderRow={(l) => <LinkRow l={l} now={now} selected={edgeParam(l.data.sender, l.data.receiver) === selectedEdge} onSelect={onSelectLink} />}
          />
        )}
      </div>
    </div>
  );
}

function AgentRow({ n, selected, onSelect }: { n: SceneNode; selected: boolean; onSelect: (id: string) => void }) {
  return (
    <button
      type="button"
      data-agent={n.data.id}
      aria-pressed={selected}
      onClick={() => onSelect(n.data.id)}
      className={`flex h-full w-full items-center gap-2 border-b border-line px-3 text-left ${selected ? "bg-accent-soft" : "hover:bg-raised"}`}
    >
      <span className="min-w-0 flex-1">
        <span className={`block truncate font-mono text-sm font-medium ${selected ? "text-accent" : ""}`}>{n.data.id}</span>
        <span className="block truncate text-xs text-muted">{n.data.displayName ?? "not in the registry"}</span>
      </span>
      {n.badges.map((b) => (
        <span key={b.word} className={`inline-flex items-center gap-0.5 text-xs ${TONE_TEXT[b.tone]}`} title={b.word}>
          <Glyph name={b.glyph} />
          <span className="sr-only">{b.word}</span>
        </span>
      ))}
      <span className="w-12 text-right text-xs tabular-nums text-muted" title="messages sent and received">
        {formatCount(n.data.sent + n.data.received)}
      </span>
    </button>
  );
}

function LinkRow({ l, now, selected, onSelect }: { l: SceneLink; now: Date; selected: boolean; onSelect: (sender: string, receiver: string) => void }) {
  return (
    <button
      type="button"
      data-edge={edgeParam(l.data.sender, l.data.receiver)}
      aria-pressed={selected}
      onClick={() => onSelect(l.data.sender, l.data.receiver)}
      className={`flex h-full w-full flex-col justify-center gap-0.5 border-b border-line px-3 text-left ${selected ? "bg-accent-soft" : "hover:bg-raised"}`}
    >
      <span className="flex w-full items-center gap-1 font-mono text-xs">
        <span className="truncate font-medium">{l.data.sender}</span>
        <span aria-hidden className="text-muted">→</span>
        <span className="sr-only">to</span>
        <span className="truncate font-medium">{l.data.receiver}</span>
        <span className="ml-auto text-muted tabular-nums">{formatCount(l.data.messages)}</span>
      </span>
      <span className="flex items-center gap-1">
        <BreakerChip breaker={l.data.breaker} now={now} />
        <LockChip kind={l.lock} />
      </span>
    </button>
  );
}
