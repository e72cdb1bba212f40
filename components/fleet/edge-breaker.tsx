"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatCount, formatTimestamp } from "@/lib/view/format.ts";
import { formatCountdown } from "../graph/style-math.ts";
import { Panel } from "../ui/panel.tsx";
import { EmptyState, ErrorState, LoadingRows } from "../ui/states.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { TimeCell } from "../ui/time-cell.tsx";
import { browserTimeZone, useNow } from "../ui/use-now.ts";
import { breakerEventsQuery, breakersQuery } from "./fleet-queries.ts";
import { causeLabel, lineageHref, recordHref } from "./fleet-style.ts";
import { StateWord } from "./state-word.tsx";

const SHOWN_RECORDS = 5;

/** The breaker on one edge now: its state, since when, and the numbers it decides on. */
export function EdgeBreakerNow({ sender, receiver }: { sender: string; receiver: string }) {
  const q = useQuery(breakersQuery({ sender, receiver }));
  const now = useNow(1_000);
  const zone = browserTimeZone();
  if (q.isPending) return <Panel title="Breaker now"><LoadingRows label="Loading the breaker" rows={1} /></Panel>;
  if (q.isError && !q.data) return <Panel title="Breaker now"><ErrorState title="Could not load the breaker" error={q.error} onRetry={() => void q.refetch()} /></Panel>;
  const b = q.data.items.find((x) => x.sender === sender && x.receiver === receiver) ?? null;
  return (
    <Panel id="breaker" title="Breaker now">
      <div data-testid="breaker-now" className="flex flex-wrap items-start gap-x-8 gap-y-3 px-5 py-4 text-sm">
        <div>
          <StateWord state={b?.state ?? "CLOSED"} />
          <p className="mt-1 text-xs text-muted">{b ? `since ${formatTimestamp(b.since, zone)}` : "no breaker has stepped on this edge yet: closed"}</p>
        </div>
        {b?.state === "OPEN" ? (
          <p>{b.awaitingReview ? <span className="font-medium text-bad">Waiting for a person&apos;s review</span> : <>Lets a probe through: <span className="font-medium tabular-nums">{formatCountdown(b.reopensAt, now) ?? "—"}</span></>}</p>
        ) : null}
        {b?.forced ? (
          <p>
            Kill switch by <span className="font-medium">{b.forced.actor}</span>: {b.forced.reason}
          </p>
        ) : null}
        {b?.failures ? (
          <dl className="grid grid-cols-[auto_auto] gap-x-3 text-xs tabular-nums">
            <dt className="text-muted">Failures in a row</dt>
            <dd>{formatCount(b.failures.inARow)}</dd>
            <dt className="text-muted">Window: calls / failures / anomalies</dt>
            <dd>
              {formatCount(b.failures.window.calls)} / {formatCount(b.failures.window.failures)} / {formatCount(b.failures.window.anomalies)}
            </dd>
          </dl>
        ) : null}
        {b?.probesLeft !== null && b?.probesLeft !== undefined ? <p className="text-xs">Probes left: {b.probesLeft}</p> : null}
        {b?.wouldHaveTripped !== null && b?.wouldHaveTripped !== undefined ? <p className="text-xs">Dry run: would have tripped {formatCount(b.wouldHaveTripped)} times</p> : null}
      </div>
    </Panel>
  );
}

/** Every transition of the edge's breaker, newest first, with its cause, the records behind it and its parameters. */
export function EdgeBreakerHistory({ sender, receiver }: { sender: string; receiver: string }) {
  const q = useQuery(breakerEventsQuery(sender, receiver));
  const now = useNow();
  return (
    <Panel id="history" title="Breaker history" description="Every state change, newest first: what caused it, the records that tripped it, and the numbers it used.">
      {q.isPending ? (
        <LoadingRows label="Loading the breaker history" />
      ) : q.isError && !q.data ? (
        <ErrorState title="Could not load the breaker history" error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <EmptyState title="The breaker never changed state">It has stayed closed since it first saw this edge.</EmptyState>
      ) : (
        <Table label="Breaker history">
          <thead>
            <tr>
              <Th>When</Th>
              <Th>Change</Th>
              <Th>Cause</Th>
              <Th>Records behind it</Th>
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((e) => (
              <tr key={e.id} data-transition={e.id} className="align-top">
                <Td className="w-48">
                  <TimeCell iso={e.at} now={now} />
                </Td>
                <Td>
                  <span className="flex flex-wrap items-center gap-1">
                    <StateWord state={e.from} />
                    <span aria-hidden className="text-muted">→</span>
                    <span className="sr-only">to</span>
                    <StateWord state={e.to} />
                  </span>
                </Td>
                <Td>
                  <p className="font-medium" data-cause={e.cause}>
                    {causeLabel(e.cause)}
                    {e.actor ? <span className="font-normal text-muted"> · by {e.actor}</span> : null}
                  </p>
                  {e.detail ? <p className="text-xs text-muted">{e.detail}</p> : null}
                </Td>
                <Td>
                  {e.recordIds.length === 0 ? (
                    <span className="text-xs text-muted">{e.actor ? "a person's action" : "none: a timer or a clean probe"}</span>
                  ) : (
                    <ul className="flex flex-col gap-0.5 text-xs" aria-label="Records that caused it">
                      {e.recordIds.slice(0, SHOWN_RECORDS).map((id) => (
                        <li key={id} className="flex gap-2">
                          <Link href={recordHref(id)} data-cause-record={id} className="font-mono text-accent underline-offset-2 hover:underline">
                            {id}
                          </Link>
                          <Link href={lineageHref(id)} className="text-muted underline-offset-2 hover:underline">
                            lineage
                          </Link>
                        </li>
                      ))}
                      {e.recordIds.length > SHOWN_RECORDS ? <li className="text-muted">and {formatCount(e.recordIds.length - SHOWN_RECORDS)} more</li> : null}
                    </ul>
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Panel>
  );
}
