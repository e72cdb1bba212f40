import { queryOptions } from "@tanstack/react-query";
import { TokensResponse, UsersResponse } from "@/lib/api/account-views.ts";
import { ProjectsResponse } from "@/lib/accounts/project.ts";
import { ProjectRetentionView } from "@/lib/api/retention-views.ts";
import { apiGet } from "../api-client.ts";

export const usersQuery = queryOptions({
  queryKey: ["users"],
  queryFn: ({ signal }) => apiGet("/api/v1/users", UsersResponse, signal),
});

export const tokensQuery = queryOptions({
  queryKey: ["tokens"],
  queryFn: ({ signal }) => apiGet("/api/v1/tokens", TokensResponse, signal),
});

export const projectsQuery = queryOptions({
  queryKey: ["projects"],
  queryFn: ({ signal }) => apiGet("/api/v1/projects", ProjectsResponse, signal),
  staleTime: 60_000,
});

/** One project's retention period (admin only). Under the projects key: creating a project refreshes these too. */
export const retentionQuery = (project: string) =>
  queryOptions({
    queryKey: ["projects", project, "retention"],
    queryFn: ({ signal }) => apiGet(`/api/v1/projects/${encodeURIComponent(project)}/retention`, ProjectRetentionView, signal),
    staleTime: 60_000,
  });
