"use client";

import type { QuarantineView } from "@/lib/api/containment-views.ts";
import { formatRelativeTime, formatTimestamp } from "@/lib/view/format.ts";
import { Badge } from "../ui/badge.tsx";
import { StopIcon } from "./control-icons.tsx";
import { ReasonAction } from "./reason-action.tsx";

/**
 * State keys guards neither read nor write: who quarantined each (the engine,
 * naming the write that showed the taint, or a person), why, when, and a lift
 * that asks why. Lifting says the value has been repaired: nothing else will.
 */
export function QuarantineList({ items, now, zone, busyId, onLift }: { items: readonly QuarantineView[]; now: Date; zone: string; busyId: string | null; onLift: (id: string, reason: string) => void }) {
  if (items.length === 0) return <p className="px-5 py-4 text-sm text-muted">No state key is quarantined.</p>;
  return (
    <ul className="divide-y divide-line">
      {items.map((q) => (
        <li key={q.id} data-testid="quarantine" data-key={q.key} className="flex flex-wrap items-start gap-x-4 gap-y-2 px-5 py-3">
          <Badge tone="bad" icon={<StopIcon />}>
            QUARANTINED
          </Badge>
          <div className="min-w-0 flex-1">
            <p className="break-words font-mono text-sm font-semibold">{q.key}</p>
            <p className="mt-0.5 break-words text-sm">
              <span className="font-medium">{q.openedBy === "engine" ? "the engine" : q.openedBy}</span>: {q.reason}
            </p>
            <p className="text-xs text-muted">
              {q.recordId ? <span className="mr-2 font-mono">write {q.recordId}</span> : null}
              <time dateTime={q.openedAt} title={formatTimestamp(q.openedAt, zone)} className="whitespace-nowrap">
                {formatRelativeTime(q.openedAt, now)}
              </time>
            </p>
          </div>
          <ReasonAction label="Lift…" confirmLabel="Lift: the value is repaired" tone="ok" placeholder="How the value was repaired" busy={busyId === q.id} onSubmit={(r) => onLift(q.id, r)} testId={`lift-quarantine-${q.id}`} />
        </li>
      ))}
    </ul>
  );
}
