// Which URLs a webhook may point at. http and https only (no file:, no
// data:, no javascript:), and no credentials in the URL: a URL is shown in
// the dashboard and the audit trail, so a password in it would leak to every
// viewer. Use the signing secret, or a token in the path as Slack does.
// Private addresses stay allowed on purpose: admins point webhooks at
// internal relays (see docs/adr/0012-metrics-and-webhooks.md).

export type UrlCheck = { ok: true; url: string } | { ok: false; reason: string };

export function checkWebhookUrl(raw: string): UrlCheck {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return { ok: false, reason: "not a valid absolute URL: write it like https://hooks.example.com/firebreak" };
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    return { ok: false, reason: `only http and https URLs are allowed, not ${u.protocol.replace(/:$/, "")}` };
  }
  if (u.username !== "" || u.password !== "") {
    return { ok: false, reason: "remove the user name and password from the URL: they would be shown to every viewer; use a signing secret instead" };
  }
  if (u.hostname === "") return { ok: false, reason: "the URL has no host" };
  if (u.hash !== "") return { ok: false, reason: "remove the #fragment: it is never sent to the server" };
  return { ok: true, url: u.toString() };
}

/** The URL with its path and query hidden past the first segment: Slack-style URLs carry their secret in the path. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const first = u.pathname.split("/").filter(Boolean)[0];
    const hidden = u.pathname.split("/").filter(Boolean).length > 1 || u.search !== "";
    return `${u.protocol}//${u.host}/${first ?? ""}${hidden ? "/…" : ""}`;
  } catch {
    return "(invalid URL)";
  }
}
