import { FlameIcon } from "../ui/icons.tsx";

export function NoRecordsYet({ collectorUrl }: { collectorUrl: string }) {
  return (
    <div data-testid="no-records" className="m-5 rounded-lg border border-dashed border-line bg-raised px-5 py-6">
      <p className="flex items-center gap-2 font-semibold">
        <FlameIcon className="text-accent" />
        No records yet.
      </p>
      <p className="mt-1 text-sm text-muted">
        Send OTLP spans to <code className="rounded bg-panel px-1 py-0.5 font-mono text-fg">{collectorUrl}</code> — see the README. Any OpenTelemetry SDK or
        Collector works; spans carrying <code className="font-mono">firebreak.kind</code> are judged and listed here.
      </p>
      <pre className="mt-3 overflow-x-auto rounded-md bg-panel p-3 font-mono text-xs leading-relaxed text-fg">
        {`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=${collectorUrl} \\\nOTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer $(cat .firebreak/admin-token)" \\\nnode your-agent.js`}
      </pre>
    </div>
  );
}
