"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ProjectRetentionView } from "@/lib/api/retention-views.ts";
import { daysLabel, retentionInput } from "@/lib/view/retention-format.ts";
import { apiRequest } from "../api-client.ts";
import { Badge } from "../ui/badge.tsx";
import { Td } from "../ui/table.tsx";
import { retentionQuery } from "./admin-queries.ts";
import { Button, Field, InlineError, TextInput } from "./form-controls.tsx";

/** The retention cell of a project's row: the period and where it comes from. */
export function RetentionCell({ project }: { project: string }) {
  const retention = useQuery(retentionQuery(project));
  if (retention.isPending) return <span className="text-muted">Loading…</span>;
  if (retention.isError) return <span className="text-bad">Could not load: {retention.error.message}</span>;
  const r = retention.data;
  return (
    <span className="inline-flex items-center gap-2 whitespace-nowrap" data-testid={`retention-${project}`}>
      <span className="tabular-nums">{daysLabel(r.retentionDays)}</span>
      {r.source === "project" ? (
        <Badge tone="info" title={`Set by ${r.updatedBy ?? "an admin"}`}>
          Own period
        </Badge>
      ) : (
        <Badge tone="neutral" title="FIREBREAK_RETENTION_DAYS">
          Instance default
        </Badge>
      )}
    </span>
  );
}

/** The row under a project's row where an admin changes its period. */
export function RetentionEditor({ project, colSpan, onDone }: { project: string; colSpan: number; onDone: () => void }) {
  const current = useQuery(retentionQuery(project));
  const [text, setText] = useState(() => String(current.data?.retentionDays ?? ""));
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: (retentionDays: unknown) => apiRequest("PUT", `/api/v1/projects/${encodeURIComponent(project)}/retention`, ProjectRetentionView, { body: { retentionDays } }),
    onSuccess: (view) => {
      client.setQueryData(retentionQuery(project).queryKey, view);
      onDone();
    },
  });
  const r = current.data;
  return (
    <tr>
      <Td colSpan={colSpan} className="bg-raised">
        <form
          aria-label={`Retention of ${project}`}
          className="flex flex-wrap items-end gap-3"
          // The server checks the range and says it; the browser's own bubble would hide that message.
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(retentionInput(text));
          }}
        >
          <p className="basis-full text-xs text-muted">
            {r?.min ?? 1} to {r?.max ?? 3650} days. Older records and spans go at the storage maintainer&apos;s next pass (every 5 minutes by default); evidence of an incident
            not yet resolved and exported stays whatever the period. The change is in the audit trail.
          </p>
          <div className="w-56">
            <Field label={`Days ${project} keeps its records`} htmlFor={`retention-${project}-days`}>
              <TextInput id={`retention-${project}-days`} type="number" inputMode="numeric" value={text} onChange={(e) => setText(e.target.value)} />
            </Field>
          </div>
          <Button type="submit" tone="primary" disabled={save.isPending}>
            Save retention
          </Button>
          <Button onClick={() => save.mutate(null)} disabled={save.isPending || r?.source === "default"}>
            Use the default{r ? ` (${daysLabel(r.defaultDays)})` : ""}
          </Button>
          <Button onClick={onDone}>Cancel</Button>
          <div className="basis-full">
            <InlineError error={save.error} />
          </div>
        </form>
      </Td>
    </tr>
  );
}
