"use client";

import { useQuery } from "@tanstack/react-query";
import { formatTimestamp } from "@/lib/view/format.ts";
import { KEY_STATUS_STYLES, keyStatus, keyWindowPhrase } from "@/lib/view/key-window.ts";
import { ApiError } from "../api-error.ts";
import { Badge } from "../ui/badge.tsx";
import { QuestionIcon, RegistryIcon, ShieldIcon, ShieldOffIcon } from "../ui/icons.tsx";
import { Panel } from "../ui/panel.tsx";
import { ErrorState, LoadingRows } from "../ui/states.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { browserTimeZone, useNow } from "../ui/use-now.ts";
import { registryAgentQuery } from "./fleet-queries.ts";
import { agentHref } from "./fleet-style.ts";
import Link from "next/link";

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-muted">{title}</h3>
      <div className="mt-1.5 text-sm">{children}</div>
    </div>
  );
}

const None = ({ children }: { children: React.ReactNode }) => <p className="text-sm text-muted">{children}</p>;

/** The registry entry: who the agent is, which keys it signs with, what it may do, and whether a registrar vouched for all of it. */
export function AgentIdentity({ id }: { id: string }) {
  const q = useQuery(registryAgentQuery(id));
  const now = useNow(60_000);
  const zone = browserTimeZone();
  if (q.isPending) return <Panel title="Identity"><LoadingRows label="Loading the registry entry" rows={3} /></Panel>;
  if (q.isError && !q.data) {
    if (q.error instanceof ApiError && q.error.status === 404) {
      return (
        <Panel id="identity" title="Identity">
          <div data-testid="agent-identity" className="flex items-start gap-3 px-5 py-4 text-sm">
            <Badge tone="bad" icon={<QuestionIcon />}>
              Not in the registry
            </Badge>
            <p className="text-muted">
              Records name <span className="font-mono text-fg">{id}</span> as their sender, but no registry entry has this id: nothing vouches for its keys or
              capabilities, so every record it sends fails as <span className="font-medium text-fg">unknown agent</span>.
            </p>
          </div>
        </Panel>
      );
    }
    return <Panel title="Identity"><ErrorState title="Could not load the registry entry" error={q.error} onRetry={() => void q.refetch()} /></Panel>;
  }
  const a = q.data;
  const fmt = (iso: string) => formatTimestamp(iso, zone);
  const labels = Object.entries(a.labels);
  const protocols = Object.entries(a.protocols);
  return (
    <Panel
      id="identity"
      title="Identity"
      description={`Registered ${fmt(a.createdAt)}, last changed ${fmt(a.updatedAt)}`}
      actions={
        <span className="flex flex-wrap gap-1">
          <Badge tone="ok" icon={<RegistryIcon />}>
            Registered
          </Badge>
          {a.attested ? (
            <Badge tone="ok" icon={<ShieldIcon />} title={`Signed by registrar key ${a.attestation?.registrarKeyId ?? "?"}`}>
              Attested by {a.attestation?.registrarKeyId ?? "a registrar"}
            </Badge>
          ) : (
            <Badge tone="warn" icon={<ShieldOffIcon />} title={a.attestationError}>
              Unattested
            </Badge>
          )}
        </span>
      }
    >
      <div data-testid="agent-identity" className="grid gap-5 px-5 py-4 md:grid-cols-2 xl:grid-cols-4">
        <Section title="Who">
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
            <dt className="text-muted">Name</dt>
            <dd className="font-medium">{a.displayName}</dd>
            <dt className="text-muted">Kind</dt>
            <dd>{a.kind}</dd>
            <dt className="text-muted">Version pin</dt>
            <dd className="font-mono">{a.version ?? <span className="font-sans text-muted">none</span>}</dd>
          </dl>
          {labels.length > 0 ? (
            <p className="mt-2 flex flex-wrap gap-1">
              {labels.map(([k, v]) => (
                <span key={k} className="rounded bg-raised px-1.5 py-0.5 font-mono text-xs">
                  {k}={v}
                </span>
              ))}
            </p>
          ) : null}
        </Section>
        <Section title="Attestation">
          {a.attested ? (
            <p>
              The entry is signed by registrar key <span className="font-mono font-medium">{a.attestation?.registrarKeyId}</span>, and the signature checks against
              the configured registrars.
            </p>
          ) : (
            <p>
              <span className="font-medium text-warn">Unattested:</span> {a.attestationError ?? "no registrar signed this entry"}. Its records verify but are flagged{" "}
              <span className="font-medium">unattested agent</span>.
            </p>
          )}
        </Section>
        <Section title="Capabilities">
          {a.capabilities.length === 0 ? (
            <None>None: it may not send any intent.</None>
          ) : (
            <ul className="space-y-1" aria-label="Capabilities">
              {a.capabilities.map((c) => (
                <li key={c.intent} className="min-w-0">
                  <span className="font-mono font-medium">{c.intent}</span>
                  <span className="text-muted"> → </span>
                  {c.to.length === 0 ? (
                    <span className="text-muted">action (no receiver)</span>
                  ) : (
                    c.to.map((r, i) => (
                      <span key={r}>
                        {i > 0 ? ", " : ""}
                        {r === "*" ? <span className="text-muted">anyone</span> : <Link href={agentHref(r)} className="font-mono text-accent hover:underline">{r}</Link>}
                      </span>
                    ))
                  )}
                </li>
              ))}
            </ul>
          )}
        </Section>
        <Section title="Memory and protocols">
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
            <dt className="text-muted">Reads</dt>
            <dd className="min-w-0 break-words font-mono text-xs leading-5">{a.memory.read.length ? a.memory.read.join(", ") : <span className="font-sans text-muted">nothing</span>}</dd>
            <dt className="text-muted">Writes</dt>
            <dd className="min-w-0 break-words font-mono text-xs leading-5">{a.memory.write.length ? a.memory.write.join(", ") : <span className="font-sans text-muted">nothing</span>}</dd>
            <dt className="text-muted">Protocols</dt>
            <dd className="min-w-0 text-xs leading-5">
              {protocols.length ? protocols.map(([p, v]) => <span key={p} className="mr-2 inline-block font-mono">{p} ≥ {v}</span>) : <span className="text-muted">any version</span>}
            </dd>
          </dl>
        </Section>
      </div>
      <Table label="Keys">
        <thead>
          <tr>
            <Th>Key</Th>
            <Th>Validity</Th>
            <Th>Now</Th>
            <Th>Public key</Th>
          </tr>
        </thead>
        <tbody>
          {a.keys.map((k) => {
            const st = KEY_STATUS_STYLES[keyStatus(k.notBefore, k.notAfter, now)];
            return (
              <tr key={k.keyId} data-key={k.keyId}>
                <Td className="font-mono font-medium">{k.keyId}</Td>
                <Td className="text-xs tabular-nums">{keyWindowPhrase(k.notBefore, k.notAfter, fmt)}</Td>
                <Td>
                  <Badge tone={st.tone}>{st.word}</Badge>
                </Td>
                <Td className="max-w-0 w-1/3 truncate font-mono text-xs text-muted" title={k.publicKey}>
                  {k.publicKey}
                </Td>
              </tr>
            );
          })}
        </tbody>
      </Table>
    </Panel>
  );
}
