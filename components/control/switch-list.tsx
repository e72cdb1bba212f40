"use client";

import type { KillSwitchView } from "@/lib/api/control-views.ts";
import type { BreakerView } from "@/lib/api/engine-views.ts";
import { formatRelativeTime, formatTimestamp } from "@/lib/view/format.ts";
import { SCOPE_WORDS, targetLabel } from "@/lib/view/control.ts";
import { Badge } from "../ui/badge.tsx";
import { StopIcon } from "./control-icons.tsx";
import { ReasonAction } from "./reason-action.tsx";

function When({ iso, now, zone }: { iso: string | null; now: Date; zone: string }) {
  if (iso === null) return null;
  return (
    <time dateTime={iso} title={formatTimestamp(iso, zone)} className="whitespace-nowrap text-muted">
      {formatRelativeTime(iso, now)}
    </time>
  );
}

/** Switches in force: what, who, why, when, and a lift that asks why. */
export function ActiveSwitches({ items, now, zone, busyId, onLift }: { items: readonly KillSwitchView[]; now: Date; zone: string; busyId: string | null; onLift: (id: string, reason: string) => void }) {
  if (items.length === 0) return <p className="px-5 py-4 text-sm text-muted">No kill switch is in force.</p>;
  return (
    <ul className="divide-y divide-line">
      {items.map((s) => (
        <li key={s.id} data-testid="kill-switch" data-target={s.target} data-scope={s.scope} className="flex flex-wrap items-start gap-x-4 gap-y-2 px-5 py-3">
          <Badge tone="bad" icon={<StopIcon />}>
            KILLED
          </Badge>
          <div className="min-w-0 flex-1">
            <p className="font-semibold">
              <span className="mr-2 text-xs font-medium uppercase tracking-wide text-muted">{SCOPE_WORDS[s.scope]}</span>
              <span className="break-words font-mono text-sm">{targetLabel(s.scope, s.target)}</span>
            </p>
            <p className="mt-0.5 text-sm">
              <span className="font-medium">{s.requestedBy}</span>
              {s.confirmedBy ? <span className="text-muted"> (confirmed by {s.confirmedBy})</span> : null}: {s.reason}
            </p>
            <p className="text-xs">
              <When iso={s.confirmedAt ?? s.requestedAt} now={now} zone={zone} />
            </p>
          </div>
          <ReasonAction label="Lift…" confirmLabel="Lift this kill" tone="ok" placeholder="Why it is safe to let traffic through" busy={busyId === s.id} onSubmit={(r) => onLift(s.id, r)} testId={`lift-${s.id}`} />
        </li>
      ))}
    </ul>
  );
}

/** Breakers an operator forced open (the breaker API's kill switch), with a release that asks why. */
export function ForcedBreakers({ items, now, zone, busyKey, onRelease }: { items: readonly BreakerView[]; now: Date; zone: string; busyKey: string | null; onRelease: (b: BreakerView, reason: string) => void }) {
  if (items.length === 0) return <p className="px-5 py-4 text-sm text-muted">No breaker is forced open.</p>;
  return (
    <ul className="divide-y divide-line">
      {items.map((b) => {
        const key = `${b.sender}->${b.receiver}`;
        return (
          <li key={key} data-testid="forced-breaker" data-edge={key} className="flex flex-wrap items-start gap-x-4 gap-y-2 px-5 py-3">
            <Badge tone="bad" icon={<StopIcon />}>
              FORCED OPEN
            </Badge>
            <div className="min-w-0 flex-1">
              <p className="break-words font-mono text-sm font-semibold">{targetLabel("edge", key)}</p>
              <p className="mt-0.5 text-sm">
                <span className="font-medium">{b.forced?.actor ?? "unknown"}</span>: {b.forced?.reason ?? ""}
              </p>
              <p className="text-xs">
                <When iso={b.since} now={now} zone={zone} />
              </p>
            </div>
            <ReasonAction label="Release…" confirmLabel="Release breaker" tone="ok" placeholder="Why the edge may carry traffic again" busy={busyKey === key} onSubmit={(r) => onRelease(b, r)} testId={`release-${key}`} />
          </li>
        );
      })}
    </ul>
  );
}

const ENDED: Record<string, string> = { lifted: "LIFTED", cancelled: "CANCELLED", expired: "LAPSED" };

export function RecentSwitches({ items, now, zone }: { items: readonly KillSwitchView[]; now: Date; zone: string }) {
  if (items.length === 0) return <p className="px-5 py-4 text-sm text-muted">Nothing lifted yet.</p>;
  return (
    <ul className="divide-y divide-line text-sm">
      {items.map((s) => (
        <li key={s.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-5 py-2">
          <Badge tone="neutral">{ENDED[s.state] ?? s.state.toUpperCase()}</Badge>
          <span className="text-xs uppercase tracking-wide text-muted">{SCOPE_WORDS[s.scope]}</span>
          <span className="break-words font-mono">{targetLabel(s.scope, s.target)}</span>
          <span className="text-muted">
            killed by {s.requestedBy}
            {s.liftedBy ? `, ${s.state === "cancelled" ? "cancelled" : "lifted"} by ${s.liftedBy}: ${s.liftReason ?? ""}` : ""}
          </span>
          <span className="ml-auto text-xs">
            <When iso={s.liftedAt ?? s.expiresAt ?? s.requestedAt} now={now} zone={zone} />
          </span>
        </li>
      ))}
    </ul>
  );
}
