"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { CreatedTokenView, TokenView, type CreateTokenBody } from "@/lib/api/account-views.ts";
import { TOKEN_SCOPES, type TokenScope } from "@/lib/accounts/token-scopes.ts";
import { apiRequest } from "../api-client.ts";
import { Badge } from "../ui/badge.tsx";
import { CheckIcon } from "../ui/icons.tsx";
import { Panel } from "../ui/panel.tsx";
import { EmptyState, ErrorState, LoadingRows } from "../ui/states.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { TimeCell } from "../ui/time-cell.tsx";
import { useNow } from "../ui/use-now.ts";
import { tokensQuery } from "./admin-queries.ts";
import { Button, Field, InlineError, Select, TextInput } from "./form-controls.tsx";

const SCOPE_TEXT: Record<TokenScope, string> = {
  read: "read: every /api/v1 read, as a viewer",
  control: "control: reads plus on-call changes (kill switches, breaker overrides, approvals)",
  ingest: "ingest: sends records to the collector only; one per environment",
};

/** API tokens and ingest keys: create (shown once, with a copy button), list, revoke. */
export function TokensPanel() {
  const tokens = useQuery(tokensQuery);
  const now = useNow();
  const [fresh, setFresh] = useState<CreatedTokenView | null>(null);
  return (
    <Panel id="tokens" title="API tokens and ingest keys" description="For automation and for agents' exporters. Only a hash is stored: a token is shown once, when it is created.">
      <CreateTokenForm onCreated={setFresh} />
      {fresh ? <NewToken created={fresh} onDone={() => setFresh(null)} /> : null}
      {tokens.isPending ? (
        <LoadingRows label="Loading tokens" />
      ) : tokens.isError ? (
        <ErrorState title="Could not load tokens" error={tokens.error} onRetry={() => void tokens.refetch()} />
      ) : tokens.data.items.length === 0 ? (
        <EmptyState title="No API tokens yet.">Create an ingest key per environment for your agents&apos; OTLP exporters, or a read token for scripts.</EmptyState>
      ) : (
        <Table label="API tokens">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Scope</Th>
              <Th>Role ceiling</Th>
              <Th>Project</Th>
              <Th>Owner</Th>
              <Th>Starts with</Th>
              <Th>Last used</Th>
              <Th>Status</Th>
              <Th className="text-right">Actions</Th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.items.map((t) => (
              <TokenRow key={t.id} token={t} now={now} />
            ))}
          </tbody>
        </Table>
      )}
    </Panel>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: (t: CreatedTokenView) => void }) {
  const [name, setName] = useState("");
  const [scope, setScope] = useState<TokenScope>("ingest");
  const [environment, setEnvironment] = useState("");
  const client = useQueryClient();
  const create = useMutation({
    mutationFn: (body: CreateTokenBody) => apiRequest("POST", "/api/v1/tokens", CreatedTokenView, { body }),
    onSuccess: (t) => {
      setName("");
      setEnvironment("");
      onCreated(t);
      void client.invalidateQueries({ queryKey: tokensQuery.queryKey });
    },
  });
  return (
    <form
      aria-label="Create an API token"
      className="grid gap-3 border-b border-line px-5 py-4 md:grid-cols-[1fr_12rem_12rem_auto] md:items-end"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ name, scope, environment });
      }}
    >
      <Field label="Token name" htmlFor="new-token-name">
        <TextInput id="new-token-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. prod exporters" autoComplete="off" required />
      </Field>
      <Field label="Scope" htmlFor="new-token-scope">
        <Select id="new-token-scope" value={scope} onChange={(e) => setScope(e.target.value as TokenScope)}>
          {TOKEN_SCOPES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Environment" htmlFor="new-token-env">
        <TextInput id="new-token-env" value={environment} onChange={(e) => setEnvironment(e.target.value)} placeholder="prod, staging…" autoComplete="off" />
      </Field>
      <Button type="submit" tone="primary" disabled={create.isPending || name.trim() === ""}>
        {create.isPending ? "Creating…" : "Create token"}
      </Button>
      <p className="text-xs text-muted md:col-span-4">{SCOPE_TEXT[scope]}. A token never does more than its owner&apos;s role.</p>
      <div className="md:col-span-4">
        <InlineError error={create.error} />
      </div>
    </form>
  );
}

function NewToken({ created, onDone }: { created: CreatedTokenView; onDone: () => void }) {
  const [copied, setCopied] = useState<"no" | "yes" | "failed">("no");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied("yes");
    } catch {
      // Clipboard access can be refused (plain http, permissions): the text stays selectable.
      setCopied("failed");
    }
  };
  return (
    <div role="status" data-testid="new-token" className="m-5 rounded-lg border border-ok/40 bg-ok-soft px-4 py-3 text-sm">
      <p className="font-semibold text-ok">
        New token “{created.item.name}” ({created.item.scope}). Copy it now: it will not be shown again.
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code className="min-w-0 flex-1 select-all break-all rounded-md border border-line bg-panel px-3 py-2 font-mono text-xs" data-testid="new-token-value">
          {created.token}
        </code>
        <Button tone="primary" onClick={() => void copy()}>
          {copied === "yes" ? (
            <span className="inline-flex items-center gap-1">
              <CheckIcon /> Copied
            </span>
          ) : (
            "Copy"
          )}
        </Button>
        <Button onClick={onDone}>Done</Button>
      </div>
      {copied === "failed" ? <p className="mt-1 text-xs text-muted">The browser refused the clipboard: select the token and copy it by hand.</p> : null}
      {created.item.scope === "ingest" ? (
        <p className="mt-2 text-xs text-muted">
          Exporters send it as <code className="font-mono">Authorization: Bearer &lt;token&gt;</code> to the collector&apos;s <code className="font-mono">/v1/traces</code>.
        </p>
      ) : null}
    </div>
  );
}

function TokenRow({ token, now }: { token: TokenView; now: Date }) {
  const client = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => apiRequest("DELETE", `/api/v1/tokens/${token.id}`, TokenView),
    onSettled: () => void client.invalidateQueries({ queryKey: tokensQuery.queryKey }),
  });
  const revoked = token.revokedAt !== null;
  const expired = token.expiresAt !== null && Date.parse(token.expiresAt) <= now.getTime();
  return (
    <tr data-token={token.name} className={revoked ? "text-muted" : undefined}>
      <Td className="font-medium">
        {token.name}
        {token.environment ? <span className="ml-2 text-xs text-muted">{token.environment}</span> : null}
      </Td>
      <Td>{token.scope}</Td>
      <Td>{token.scope === "ingest" ? <span className="text-muted">collector only</span> : token.role}</Td>
      <Td className="font-mono">{token.project}</Td>
      <Td>{token.owner ?? <span className="text-muted">admin token</span>}</Td>
      <Td>
        <code className="font-mono text-xs">{token.prefix}…</code>
      </Td>
      <Td>
        <TimeCell iso={token.lastUsedAt} now={now} />
      </Td>
      <Td>{revoked ? <Badge tone="bad">Revoked</Badge> : expired ? <Badge tone="warn">Expired</Badge> : <Badge tone="ok">Live</Badge>}</Td>
      <Td className="text-right">
        {revoked ? null : (
          <Button tone="danger" onClick={() => revoke.mutate()} disabled={revoke.isPending} aria-label={`Revoke ${token.name}`}>
            Revoke
          </Button>
        )}
        <InlineError error={revoke.error} />
      </Td>
    </tr>
  );
}
