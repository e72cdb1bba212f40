"use client";

import Link from "next/link";
import { agentFocusHref, windowFor } from "../lineage/lineage-model.ts";
import { useNow } from "../ui/use-now.ts";

/** Agents as links to the graph focused on each; past `max`, a count. */
export function AgentLinks({ agents, max = Infinity, at }: { agents: readonly string[]; max?: number; at: number | null }) {
  const now = useNow(60_000);
  if (agents.length === 0) return <span className="text-sm text-muted">none</span>;
  const window = windowFor(at, now.getTime());
  return (
    <span className="flex flex-wrap gap-1">
      {agents.slice(0, max).map((a) => (
        <Link key={a} href={agentFocusHref(a, window)} title={`${a} on the agent graph`} className="rounded-md bg-raised px-1.5 py-0.5 font-mono text-xs text-fg underline-offset-2 hover:text-accent hover:underline" data-agent-link={a}>
          {a}
        </Link>
      ))}
      {agents.length > max ? <span className="px-1 text-xs text-muted">+{agents.length - max}</span> : null}
    </span>
  );
}
