// The OTLP/HTTP address to show in empty states: the host the browser used
// to reach the dashboard, with the collector's port.

const DEFAULT_COLLECTOR_PORT = 4318;

export function collectorEndpoint(hostHeader: string | null | undefined, portSetting: string | undefined): string {
  const port = parsePort(portSetting) ?? DEFAULT_COLLECTOR_PORT;
  return `http://${hostnameOf(hostHeader)}:${port}/v1/traces`;
}

function parsePort(value: string | undefined): number | null {
  if (!value || !/^\d{1,5}$/.test(value.trim())) return null;
  const n = Number(value.trim());
  return n >= 1 && n <= 65535 ? n : null;
}

function hostnameOf(host: string | null | undefined): string {
  const h = host?.trim() ?? "";
  if (h === "") return "localhost";
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    return end > 0 ? h.slice(0, end + 1) : "localhost";
  }
  const name = h.split(":")[0] ?? "";
  return /^[A-Za-z0-9.-]+$/.test(name) ? name : "localhost";
}
