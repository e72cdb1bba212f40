// The dashboard's current project lives in a cookie the API reads on every
// request (lib/api/auth.ts), so every screen, link and export follows the
// switcher without threading a parameter through each query.
import { DEFAULT_PROJECT, PROJECT_COOKIE, requestedProject } from "../accounts/project.ts";

/** The project a `document.cookie` string names, or default. */
export function projectFromCookies(cookieHeader: string): string {
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== PROJECT_COOKIE) continue;
    return requestedProject(decodeURIComponent(part.slice(eq + 1).trim())) ?? DEFAULT_PROJECT;
  }
  return DEFAULT_PROJECT;
}

/** The Set-Cookie text that switches the dashboard to `project` for a year. */
export function projectCookie(project: string, secure: boolean): string {
  return `${PROJECT_COOKIE}=${encodeURIComponent(project)}; Path=/; Max-Age=31536000; SameSite=Lax${secure ? "; Secure" : ""}`;
}
