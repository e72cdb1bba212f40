"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { apiRequest } from "@/components/api-client.ts";
import { ControlBanner } from "@/components/control/control-banner.tsx";
import { ClockIcon } from "@/components/ui/icons.tsx";
import { forcedBreakersQuery, killSwitchesQuery, quarantinesQuery } from "@/components/control/control-queries.ts";
import { QuarantineList } from "@/components/control/quarantine-list.tsx";
import { KillForm } from "@/components/control/kill-form.tsx";
import { ReasonAction } from "@/components/control/reason-action.tsx";
import { ActiveSwitches, ForcedBreakers, RecentSwitches } from "@/components/control/switch-list.tsx";
import { Panel } from "@/components/ui/panel.tsx";
import { ErrorState, LoadingRows } from "@/components/ui/states.tsx";
import { browserTimeZone, useNow } from "@/components/ui/use-now.ts";
import { QuarantineView } from "@/lib/api/containment-views.ts";
import { KillSwitchView, type KillSwitchBody } from "@/lib/api/control-views.ts";
import { BreakerOperationView, type BreakerView } from "@/lib/api/engine-views.ts";
import { controlBanner, timeLeft } from "@/lib/view/control.ts";

const message = (err: unknown): string => (err instanceof Error ? err.message : "something went wrong");

export function ControlClient() {
  const client = useQueryClient();
  const switches = useQuery(killSwitchesQuery());
  const forced = useQuery(forcedBreakersQuery());
  const quarantines = useQuery(quarantinesQuery());
  const now = useNow(1_000);
  const zone = browserTimeZone();
  const [formKey, setFormKey] = useState(0);
  // An action's error belongs to the policy version it was made against: once anything changes, it is stale news.
  const [actionError, setActionError] = useState<{ message: string; version: number } | null>(null);
  const refresh = () =>
    Promise.all([client.invalidateQueries({ queryKey: ["kill-switches"] }), client.invalidateQueries({ queryKey: ["breakers"] }), client.invalidateQueries({ queryKey: ["quarantines"] })]);

  const kill = useMutation({
    mutationFn: (body: KillSwitchBody) => apiRequest("POST", "/api/v1/kill-switches", KillSwitchView, { body }),
    onSuccess: async () => {
      setFormKey((k) => k + 1);
      await refresh();
    },
  });
  const act = useMutation({
    mutationFn: ({ id, what, reason }: { id: string; what: "lift" | "confirm"; reason: string }) => apiRequest("POST", `/api/v1/kill-switches/${id}/${what}`, KillSwitchView, { body: { reason } }),
    onMutate: () => setActionError(null),
    onError: (err) => setActionError({ message: message(err), version: switches.data?.version ?? 0 }),
    onSuccess: refresh,
  });
  const liftQuarantine = useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) => apiRequest("POST", `/api/v1/quarantines/${id}/lift`, QuarantineView, { body: { reason } }),
    onMutate: () => setActionError(null),
    onError: (err) => setActionError({ message: message(err), version: switches.data?.version ?? 0 }),
    onSuccess: refresh,
  });
  const release = useMutation({
    mutationFn: ({ b, reason }: { b: BreakerView; reason: string }) =>
      apiRequest("POST", "/api/v1/breakers/operate", BreakerOperationView, { body: { sender: b.sender, receiver: b.receiver, action: "release", reason } }),
    onMutate: () => setActionError(null),
    onError: (err) => setActionError({ message: message(err), version: switches.data?.version ?? 0 }),
    onSuccess: refresh,
  });

  if (switches.isPending) return <LoadingRows label="Loading kill switches" rows={4} />;
  if (switches.isError) return <ErrorState title="Cannot read the kill switches" error={switches.error} onRetry={() => void switches.refetch()} />;
  const data = switches.data;
  const forcedItems = forced.data?.items ?? [];
  const killAll = data.active.some((s) => s.scope === "all");
  const banner = controlBanner({
    killAll,
    pendingKillAll: data.pendingKillAll,
    activeCount: data.active.length,
    forcedCount: forcedItems.length,
    quarantinedCount: quarantines.data?.active.length ?? 0,
  });
  const pending = data.pendingKillAll;
  const busyId = act.isPending ? act.variables.id : null;

  return (
    <>
      <ControlBanner banner={banner} version={data.version} />
      {actionError && actionError.version === data.version ? (
        <p role="alert" data-testid="action-error" className="rounded-lg border border-bad/40 bg-bad-soft px-4 py-2 text-sm font-medium text-bad">
          {actionError.message}
        </p>
      ) : null}
      {pending ? (
        <section data-testid="pending-kill-all" aria-labelledby="pending-title" className="rounded-xl border-2 border-warn bg-warn-soft px-5 py-4">
          <h2 id="pending-title" className="flex items-center gap-2 text-lg font-bold text-warn">
            <ClockIcon /> KILL-ALL AWAITING A SECOND ON-CALL
          </h2>
          <p className="mt-1 text-sm text-fg">
            <span className="font-semibold">{pending.requestedBy}</span> asked to stop every agent: {pending.reason}
          </p>
          <p className="mt-1 text-sm text-fg">
            Lapses in <span className="font-mono font-semibold">{timeLeft(pending.expiresAt, now)}</span> unless a different on-call confirms it. The requester cannot confirm their own request.
          </p>
          <div className="mt-3 flex flex-wrap gap-3">
            <ReasonAction label="Confirm kill-all…" confirmLabel="Confirm: stop every agent" tone="bad" placeholder="Why you agree every agent must stop" busy={busyId === pending.id} onSubmit={(reason) => act.mutate({ id: pending.id, what: "confirm", reason })} testId="confirm-kill-all" />
            <ReasonAction label="Cancel request…" confirmLabel="Cancel the kill-all" tone="neutral" placeholder="Why it is not needed" busy={busyId === pending.id} onSubmit={(reason) => act.mutate({ id: pending.id, what: "lift", reason })} testId="cancel-kill-all" />
          </div>
        </section>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-2">
        <Panel id="active" title="Kill switches in force" description="Guards refuse all traffic they cover.">
          <ActiveSwitches items={data.active} now={now} zone={zone} busyId={busyId} onLift={(id, reason) => act.mutate({ id, what: "lift", reason })} />
        </Panel>
        <Panel id="forced" title="Breakers forced open" description="Edges an operator stopped through the breaker's own kill switch.">
          {forced.isError ? <ErrorState title="Cannot read the breakers" error={forced.error} /> : <ForcedBreakers items={forcedItems} now={now} zone={zone} busyKey={release.isPending ? `${release.variables.b.sender}->${release.variables.b.receiver}` : null} onRelease={(b, reason) => release.mutate({ b, reason })} />}
        </Panel>
      </div>
      <Panel id="quarantined" title="Quarantined state" description="Keys whose value descends from a contained record: guards neither read nor write them until someone repairs the value and lifts the quarantine.">
        {quarantines.isError ? (
          <ErrorState title="Cannot read the quarantines" error={quarantines.error} />
        ) : (
          <QuarantineList items={quarantines.data?.active ?? []} now={now} zone={zone} busyId={liftQuarantine.isPending ? liftQuarantine.variables.id : null} onLift={(id, reason) => liftQuarantine.mutate({ id, reason })} />
        )}
      </Panel>
      <Panel id="kill" title="Kill" description="Stop an agent, an edge, every agent with a label, or everything.">
        <KillForm key={formKey} busy={kill.isPending} error={kill.isError ? message(kill.error) : null} onKill={(body) => kill.mutate(body)} />
      </Panel>
      <Panel id="recent" title="Recently lifted" description="The last switches lifted, cancelled or lapsed.">
        <RecentSwitches items={data.recent} now={now} zone={zone} />
      </Panel>
    </>
  );
}
