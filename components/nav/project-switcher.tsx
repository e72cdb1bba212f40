"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { DEFAULT_PROJECT } from "@/lib/accounts/project.ts";
import { projectCookie, projectFromCookies } from "@/lib/view/project-cookie.ts";
import { projectsQuery } from "../admin/admin-queries.ts";

/**
 * The project every screen shows, and the switch between projects. Switching
 * sets the cookie the API reads and reloads, so nothing on screen is left
 * from the project before.
 */
export function ProjectSwitcher() {
  const projects = useQuery(projectsQuery);
  // Read after hydration: the server renders without the browser's cookie jar.
  const [current, setCurrent] = useState(DEFAULT_PROJECT);
  useEffect(() => setCurrent(projectFromCookies(document.cookie)), []);
  const items = projects.data?.items ?? [];
  const known = items.some((p) => p.id === current);
  return (
    <label className="flex min-w-0 flex-col gap-1 px-1 text-xs text-muted" data-testid="project-switcher">
      <span>Project</span>
      <select
        aria-label="Project"
        value={current}
        disabled={projects.isPending || items.length < 2}
        onChange={(e) => {
          document.cookie = projectCookie(e.target.value, window.location.protocol === "https:");
          window.location.reload();
        }}
        className="min-w-0 rounded-lg border border-line bg-bg px-2 py-1.5 text-sm text-fg disabled:opacity-70"
      >
        {!known ? <option value={current}>{current}</option> : null}
        {items.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name === p.id ? p.id : `${p.name} (${p.id})`}
          </option>
        ))}
      </select>
    </label>
  );
}
