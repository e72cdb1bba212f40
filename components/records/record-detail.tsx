import Link from "next/link";
import type { ReactNode } from "react";
import type { RecordDetail, RecordView } from "@/lib/api/views.ts";
import { formatInstantMs, prettyPayload } from "../waterfall/span-format.ts";
import { Badge } from "../ui/badge.tsx";
import { ShieldIcon, ShieldOffIcon } from "../ui/icons.tsx";
import { browserTimeZone } from "../ui/use-now.ts";
import { VerdictChip } from "../ui/verdict-chip.tsx";

// One record id with every stored copy: the verified original and any forged
// copy are shown side by side so an analyst compares them field by field.

export const recordHref = (id: string): string => `/records/${encodeURIComponent(id)}`;
export const traceHref = (traceId: string, spanId?: string): string => `/traces/${traceId}${spanId ? `?span=${spanId}` : ""}`;

export function RecordCopies({ detail, currentSpanId, columns = "auto" }: { detail: RecordDetail; currentSpanId?: string; columns?: "auto" | "one" }) {
  const many = detail.records.length > 1;
  return (
    <div className="flex flex-col gap-3">
      {many ? (
        <p className="flex items-start gap-2 rounded-lg border border-bad/40 bg-bad-soft px-3 py-2 text-sm text-fg" data-testid="copies-warning">
          <ShieldOffIcon className="mt-0.5 shrink-0 text-bad" />
          {detail.records.length} different records were sent under the id <code className="font-mono">{detail.id}</code>: compare them below.
        </p>
      ) : null}
      <div className={`grid gap-3 ${many && columns === "auto" ? "xl:grid-cols-2" : ""}`}>
        {detail.records.map((r, i) => (
          <RecordCopy key={r.seq} record={r} label={many ? `Copy ${i + 1} of ${detail.records.length}` : null} current={currentSpanId === r.spanId} />
        ))}
      </div>
    </div>
  );
}

function RecordCopy({ record: r, label, current }: { record: RecordView; label: string | null; current: boolean }) {
  const tz = browserTimeZone();
  const payload = prettyPayload(r.payload);
  return (
    <article data-record-copy={r.seq} aria-label={label ?? `Record ${r.id}`} className={`min-w-0 rounded-lg border bg-panel ${current ? "border-accent" : "border-line"}`}>
      <header className="flex flex-wrap items-center gap-2 border-b border-line px-4 py-2.5">
        {r.verified ? (
          <Badge tone="ok" icon={<ShieldIcon />}>
            Verified
          </Badge>
        ) : (
          <Badge tone="bad" icon={<ShieldOffIcon />}>
            Not verified
          </Badge>
        )}
        <span className="font-mono text-xs">{r.kind}</span>
        {label ? <span className="text-xs font-medium text-muted">{label}</span> : null}
        {current ? <span className="text-xs font-medium text-accent">this span</span> : null}
        <Link href={`/lineage?record=${encodeURIComponent(r.id)}`} className="ml-auto text-sm font-medium text-accent underline-offset-2 hover:underline" data-testid="lineage-link">
          Lineage
        </Link>
      </header>
      <section aria-label="Verification" className="border-b border-line px-4 py-3">
        <h4 className="mb-2 text-xs font-semibold uppercase tracking-wide text-muted">Verification</h4>
        <ul className="flex flex-col gap-1.5" data-testid="verdict-details">
          {r.verdictDetails.map((v) => (
            <li key={`${v.verdict}:${v.detail ?? ""}`} className="flex flex-wrap items-baseline gap-2 text-sm">
              <VerdictChip verdict={v.verdict} />
              <span className={v.detail ? "break-words" : "text-muted"}>{v.detail ?? (v.verdict === "verified" ? "every check passed" : "no detail recorded")}</span>
            </li>
          ))}
        </ul>
        {r.pendingOn.length > 0 ? (
          <p className="mt-2 text-sm">
            Waiting for <IdLinks ids={r.pendingOn} />
          </p>
        ) : null}
      </section>
      <dl className="grid grid-cols-[7.5rem_minmax(0,1fr)] gap-x-3 gap-y-1.5 px-4 py-3 text-sm">
        <Field name="Record id">
          <Link href={recordHref(r.id)} className="font-mono break-all text-accent underline-offset-2 hover:underline">
            {r.id}
          </Link>
        </Field>
        <Field name="Sender">
          <span className="font-mono">{r.agent}</span>
        </Field>
        {r.receivers.length > 0 ? (
          <Field name="Receivers">
            <span className="font-mono">{r.receivers.join(", ")}</span>
          </Field>
        ) : null}
        <Field name="Intent">{r.intent ? <span className="font-mono">{r.intent}</span> : <None />}</Field>
        <Field name="Protocol">{r.protocol ? <span className="font-mono">{r.protocol}</span> : <None />}</Field>
        {r.actionClass ? (
          <Field name="Action class">
            <span className="font-mono">{r.actionClass}</span>
          </Field>
        ) : null}
        <Field name="Timestamp">
          <time dateTime={r.timestamp} className="tabular-nums">
            {formatInstantMs(Date.parse(r.timestamp), tz)}
          </time>
        </Field>
        <Field name="Received">
          <time dateTime={r.receivedAt} className="tabular-nums">
            {formatInstantMs(Date.parse(r.receivedAt), tz)}
          </time>
        </Field>
        <Field name="Parents">{r.parents.length > 0 ? <IdLinks ids={r.parents} /> : <None />}</Field>
        <Field name="Authority">{r.authority.length > 0 ? <IdLinks ids={r.authority} arrows /> : <None />}</Field>
        <Field name="Trace">
          <Link href={traceHref(r.traceId, r.spanId)} className="font-mono break-all text-accent underline-offset-2 hover:underline" data-testid="trace-link">
            {r.traceId}
          </Link>
          <span className="block font-mono text-xs text-muted">span {r.spanId}</span>
        </Field>
        <Field name="Key id">{r.keyId ? <span className="font-mono break-all">{r.keyId}</span> : <None />}</Field>
        <Field name="Nonce">{r.nonce ? <span className="font-mono break-all">{r.nonce}</span> : <None />}</Field>
        <Field name="Signature">{r.signature ? <span className="font-mono text-xs break-all">{r.signature}</span> : <None text="unsigned" />}</Field>
      </dl>
      <section aria-label="Signed payload" className="border-t border-line px-4 py-3">
        <h4 className="mb-2 text-xs font-semibold uppercase tracking-wide text-muted">Signed payload</h4>
        <pre data-testid="payload" className="max-h-80 overflow-auto rounded-md bg-raised p-3 font-mono text-xs leading-relaxed whitespace-pre-wrap break-words">
          {payload.text}
        </pre>
        {payload.json ? <p className="mt-1 text-xs text-muted">Pretty-printed; the signature covers the payload&apos;s canonical JSON, not its spacing.</p> : null}
      </section>
    </article>
  );
}

function Field({ name, children }: { name: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-muted">{name}</dt>
      <dd className="min-w-0">{children}</dd>
    </>
  );
}

const None = ({ text = "none" }: { text?: string }) => <span className="text-muted">{text}</span>;

/** Record ids as links to their detail; an authority chain reads root first, with arrows. */
export function IdLinks({ ids, arrows = false }: { ids: readonly string[]; arrows?: boolean }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-x-1.5 gap-y-0.5">
      {ids.map((id, i) => (
        <span key={`${id}:${i}`} className="inline-flex items-center gap-1.5">
          {arrows && i > 0 ? <span aria-hidden className="text-muted">→</span> : null}
          <Link href={recordHref(id)} className="font-mono break-all text-accent underline-offset-2 hover:underline">
            {id}
          </Link>
        </span>
      ))}
    </span>
  );
}
