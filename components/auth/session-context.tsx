"use client";

import { queryOptions, useQuery } from "@tanstack/react-query";
import { createContext, useContext, type ReactNode } from "react";
import { PrincipalView } from "@/lib/api/account-views.ts";
import { ROLE_DESCRIPTIONS, roleAllows, type Role } from "@/lib/accounts/roles.ts";
import { apiGet } from "../api-client.ts";

// Who is signed in, for hiding or disabling controls the role may not use.
// The server layout passes the principal it checked, so the first render is
// already right; the query keeps it fresh when an admin changes the role.
// Hiding is a courtesy: the API checks the role on every request anyway.

export const sessionQuery = queryOptions({
  queryKey: ["session"],
  queryFn: ({ signal }) => apiGet("/api/v1/session", PrincipalView, signal),
  staleTime: 60_000,
});

const SessionContext = createContext<PrincipalView | null>(null);

export function SessionProvider({ initial, children }: { initial: PrincipalView; children: ReactNode }) {
  const { data } = useQuery({ ...sessionQuery, initialData: initial });
  return <SessionContext.Provider value={data}>{children}</SessionContext.Provider>;
}

export function useSession(): PrincipalView | null {
  return useContext(SessionContext);
}

/** May the signed-in user act at `needed`? False outside a session. */
export function useCan(needed: Role): boolean {
  const s = useSession();
  return s !== null && roleAllows(s.role, needed);
}

/** Why a control is disabled, for its title and a screen reader. */
export function roleHint(needed: Role): string {
  return `Needs the ${needed} role (${ROLE_DESCRIPTIONS[needed]}).`;
}

/** Renders its children only for roles that include `needed`; `fallback` otherwise. */
export function RoleGate({ need, children, fallback = null }: { need: Role; children: ReactNode; fallback?: ReactNode }) {
  return useCan(need) ? children : fallback;
}
