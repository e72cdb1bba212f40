"use client";

import Link from "next/link";
import type { ApprovalDetail as Detail, ChainRecordView } from "@/lib/api/approval-views.ts";
import type { FindingView } from "@/lib/api/engine-views.ts";
import { approvalClock, approvalStatusLook, formatCountdown, prettyJson, requestText } from "@/lib/view/approval-format.ts";
import { formatTimestamp } from "@/lib/view/format.ts";
import { Badge } from "../ui/badge.tsx";
import { FlameIcon } from "../ui/icons.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { TONE_BAR } from "../ui/tone.tsx";
import { browserTimeZone } from "../ui/use-now.ts";
import { VerdictChip } from "../ui/verdict-chip.tsx";
import { ApprovalStatusBadge } from "./approval-status.tsx";
import { DecisionForm } from "./decision-form.tsx";

const recordHref = (id: string) => `/records/${encodeURIComponent(id)}`;
const traceHref = (traceId: string) => `/traces/${traceId}`;

function Section({ title, note, children }: { title: string; note?: string; children: React.ReactNode }) {
  return (
    <section className="flex flex-col gap-2 border-t border-line px-5 py-4">
      <h3 className="text-sm font-semibold">
        {title} {note ? <span className="font-normal text-muted">{note}</span> : null}
      </h3>
      {children}
    </section>
  );
}

function Verdicts({ r }: { r: ChainRecordView }) {
  if (!r.stored) return <Badge tone="warn">not stored yet</Badge>;
  return (
    <span className="flex flex-wrap gap-1">
      {r.verdicts.map((v) => (
        <VerdictChip key={v} verdict={v} />
      ))}
    </span>
  );
}

function ChainEntry({ r, root }: { r: ChainRecordView; root: boolean }) {
  let words = "";
  if (r.kind === "request") words = requestText(r.text);
  else if (r.kind === "approval" && r.text) {
    try {
      const p = JSON.parse(r.text) as { decidedBy?: unknown; reason?: unknown };
      words = typeof p.reason === "string" ? `${typeof p.decidedBy === "string" ? `${p.decidedBy}: ` : ""}${p.reason}` : prettyJson(r.text);
    } catch {
      words = r.text;
    }
  }
  return (
    <li className="flex flex-col gap-1 rounded-lg border border-line px-3 py-2">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <Badge tone={root ? "info" : "ok"}>{root ? "Request (root)" : r.kind === "approval" || r.kind === null ? "Approval" : r.kind}</Badge>
        <Link href={recordHref(r.id)} className="font-mono text-xs text-accent hover:underline">
          {r.id}
        </Link>
        {r.agent ? <span className="text-muted">by {r.agent}</span> : null}
        <Verdicts r={r} />
      </div>
      {words ? <p className="whitespace-pre-wrap break-words text-sm">{words}</p> : null}
    </li>
  );
}

function Upstream({ rows, truncated, zone }: { rows: ChainRecordView[]; truncated: boolean; zone: string }) {
  if (rows.length === 0) return <p className="text-sm text-muted">The action has no stored parents yet.</p>;
  return (
    <>
      <div className="max-h-80 overflow-y-auto rounded-lg border border-line">
        <Table label="Lineage upstream of the action">
          <thead>
            <tr>
              <Th>Hops</Th>
              <Th>Record</Th>
              <Th>Agent</Th>
              <Th>Time</Th>
              <Th>Verdicts</Th>
              <Th>Trace</Th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <Td className="tabular-nums text-muted">{(r.depth ?? 0) + 1}</Td>
                <Td>
                  <span className="flex flex-col">
                    <span className="text-xs text-muted">
                      {r.kind ?? "?"}
                      {r.intent ? ` · ${r.intent}` : ""}
                    </span>
                    <Link href={recordHref(r.id)} className="font-mono text-xs text-accent hover:underline">
                      {r.id}
                    </Link>
                  </span>
                </Td>
                <Td className="text-sm">{r.agent ?? "—"}</Td>
                <Td className="whitespace-nowrap text-xs tabular-nums">{formatTimestamp(r.ts, zone)}</Td>
                <Td>
                  <Verdicts r={r} />
                </Td>
                <Td>
                  {r.traceId ? (
                    <Link href={traceHref(r.traceId)} className="text-xs text-accent hover:underline">
                      trace
                    </Link>
                  ) : null}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
      {truncated ? <p className="text-xs text-warn">The walk stopped at its bound: more lies upstream. Open the first record&apos;s lineage for all of it.</p> : null}
    </>
  );
}

function Findings({ findings, zone }: { findings: FindingView[]; zone: string }) {
  if (findings.length === 0) return <p className="text-sm text-muted">No anomaly findings on any record upstream of this action.</p>;
  return (
    <ul className="flex flex-col gap-2">
      {findings.map((f) => (
        <li key={f.id} className="flex flex-col gap-1 rounded-lg border border-warn/40 bg-warn-soft px-3 py-2 text-sm">
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone="warn" icon={<FlameIcon />}>
              {f.detector}
            </Badge>
            {f.recordId ? (
              <Link href={recordHref(f.recordId)} className="font-mono text-xs text-accent hover:underline">
                {f.recordId}
              </Link>
            ) : null}
            <span className="text-xs text-muted">{formatTimestamp(f.at, zone)}</span>
          </span>
          <span>{f.explanation}</span>
        </li>
      ))}
    </ul>
  );
}

/** Everything an on-call needs to decide on one held action, and the decision itself. */
export function ApprovalDetailView({ detail, now, offsetMs }: { detail: Detail; now: number; offsetMs: number }) {
  const zone = browserTimeZone();
  const look = approvalStatusLook(detail.status);
  const clock = approvalClock(detail, now, offsetMs);
  const pending = detail.status === "pending";
  const ctx = detail.context;
  return (
    <article aria-label={`Approval ${detail.id}`} className="flex flex-col">
      <header className="flex flex-col gap-2 px-5 py-4">
        <div className="flex flex-wrap items-center gap-2">
          <ApprovalStatusBadge status={detail.status} />
          <Badge tone={detail.class === "red" ? "bad" : "warn"}>{detail.class} action</Badge>
          <h2 className="text-lg font-semibold">
            <span className="font-mono">{detail.name}</span> <span className="font-normal text-muted">by</span> {detail.agent}
          </h2>
        </div>
        <p className="text-sm text-muted">{look.meaning}</p>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-muted">Asked</dt>
          <dd className="tabular-nums">{formatTimestamp(detail.requestedAt, zone)}</dd>
          {pending ? (
            <>
              <dt className="text-muted">Decision allowed</dt>
              <dd className="tabular-nums">{clock.untilDecidable > 0 ? `in ${formatCountdown(clock.untilDecidable)}` : "now"}</dd>
              <dt className="text-muted">Expires</dt>
              <dd className="tabular-nums">
                in {formatCountdown(clock.untilExpiry)} · {formatTimestamp(detail.expiresAt, zone)}
              </dd>
            </>
          ) : (
            <>
              <dt className="text-muted">Decided</dt>
              <dd className="tabular-nums">
                {formatTimestamp(detail.decidedAt, zone)} by {detail.decidedBy ?? "—"}
              </dd>
              <dt className="text-muted">Reason</dt>
              <dd className="whitespace-pre-wrap break-words">{detail.reason ?? "—"}</dd>
            </>
          )}
          <dt className="text-muted">Action id</dt>
          <dd className="break-all font-mono text-xs">{detail.action}</dd>
          {detail.approvalRecordId ? (
            <>
              <dt className="text-muted">Signed approval</dt>
              <dd>
                <Link href={recordHref(detail.approvalRecordId)} className="font-mono text-xs text-accent hover:underline">
                  {detail.approvalRecordId}
                </Link>
              </dd>
            </>
          ) : null}
        </dl>
        {pending ? (
          <div className="h-1.5 overflow-hidden rounded-full bg-raised" aria-hidden>
            <div className={`h-full ${clock.elapsed > 0.8 ? TONE_BAR.bad : TONE_BAR.warn}`} style={{ width: `${Math.round(clock.elapsed * 100)}%` }} />
          </div>
        ) : null}
      </header>
      <Section title="Arguments" note={`(SHA-256 ${detail.digest.slice(0, 12)}…: the approval covers exactly these)`}>
        <pre className="max-h-60 overflow-auto rounded-lg bg-raised p-3 font-mono text-xs">{prettyJson(detail.args)}</pre>
      </Section>
      <Section title="Authority chain" note="(root first: the human request, then approvals)">
        <ol className="flex flex-col gap-2">
          {(ctx?.chain ?? []).map((r, i) => (
            <ChainEntry key={r.id} r={r} root={i === 0} />
          ))}
        </ol>
      </Section>
      <Section title="Findings on its path" note="(anomalies on records upstream of the action)">
        <Findings findings={ctx?.findings ?? []} zone={zone} />
      </Section>
      <Section title="Lineage upstream" note="(what the action derives from, nearest first)">
        <Upstream rows={ctx?.upstream ?? []} truncated={ctx?.upstreamTruncated ?? false} zone={zone} />
      </Section>
      {pending ? (
        <Section title="Decide">
          <DecisionForm id={detail.id} untilDecidable={clock.untilDecidable} />
        </Section>
      ) : null}
    </article>
  );
}
