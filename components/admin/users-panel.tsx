"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { RevokedSessionsView, UserView, type CreateUserBody, type UpdateUserBody } from "@/lib/api/account-views.ts";
import { ROLES, ROLE_DESCRIPTIONS, type Role } from "@/lib/accounts/roles.ts";
import { apiRequest } from "../api-client.ts";
import { useSession } from "../auth/session-context.tsx";
import { Badge } from "../ui/badge.tsx";
import { Panel } from "../ui/panel.tsx";
import { ErrorState, LoadingRows } from "../ui/states.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { TimeCell } from "../ui/time-cell.tsx";
import { useNow } from "../ui/use-now.ts";
import { Button, Field, InlineError, Select, TextInput } from "./form-controls.tsx";
import { tokensQuery, usersQuery } from "./admin-queries.ts";

/** Users: create, change role, disable or enable, reset password, sign out everywhere. */
export function UsersPanel() {
  const users = useQuery(usersQuery);
  const now = useNow();
  return (
    <Panel id="users" title="Users" description="Who may sign in, and with which role. Disabling a user ends their sessions at once and stops their tokens.">
      <CreateUserForm />
      {users.isPending ? (
        <LoadingRows label="Loading users" />
      ) : users.isError ? (
        <ErrorState title="Could not load users" error={users.error} onRetry={() => void users.refetch()} />
      ) : (
        <Table label="Users">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Role</Th>
              <Th>Status</Th>
              <Th>Last sign-in</Th>
              <Th>Sessions</Th>
              <Th className="text-right">Actions</Th>
            </tr>
          </thead>
          <tbody>
            {users.data.items.map((u) => (
              <UserRow key={u.id} user={u} now={now} />
            ))}
          </tbody>
        </Table>
      )}
    </Panel>
  );
}

function useUserChange() {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: usersQuery.queryKey });
    // A disabled owner's tokens stop working; the token list says so on next load.
    void client.invalidateQueries({ queryKey: tokensQuery.queryKey });
  };
}

function CreateUserForm() {
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [password, setPassword] = useState("");
  const refresh = useUserChange();
  const create = useMutation({
    mutationFn: (body: CreateUserBody) => apiRequest("POST", "/api/v1/users", UserView, { body }),
    onSuccess: () => {
      setName("");
      setPassword("");
      refresh();
    },
  });
  return (
    <form
      aria-label="Create a user"
      className="grid gap-3 border-b border-line px-5 py-4 md:grid-cols-[1fr_10rem_1fr_auto] md:items-end"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ name, role, password });
      }}
    >
      <Field label="New user name" htmlFor="new-user-name">
        <TextInput id="new-user-name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" spellCheck={false} required />
      </Field>
      <Field label="Role" htmlFor="new-user-role">
        <Select id="new-user-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="First password" htmlFor="new-user-password">
        <TextInput id="new-user-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" minLength={12} required />
      </Field>
      <Button type="submit" tone="primary" disabled={create.isPending || name.trim() === "" || password === ""}>
        {create.isPending ? "Creating…" : "Create user"}
      </Button>
      <p className="text-xs text-muted md:col-span-4">
        {role}: {ROLE_DESCRIPTIONS[role]}. Passwords need at least 12 characters; hand the first one over in person or in your password manager.
      </p>
      <div className="md:col-span-4">
        <InlineError error={create.error} />
      </div>
    </form>
  );
}

function UserRow({ user, now }: { user: UserView; now: Date }) {
  const me = useSession();
  const refresh = useUserChange();
  const [resetting, setResetting] = useState(false);
  const change = useMutation({
    mutationFn: (body: UpdateUserBody) => apiRequest("PATCH", `/api/v1/users/${user.id}`, UserView, { body }),
    onSettled: refresh,
  });
  const signOut = useMutation({
    mutationFn: () => apiRequest("DELETE", `/api/v1/users/${user.id}/sessions`, RevokedSessionsView),
    onSettled: refresh,
  });
  const self = me?.kind === "user" && me.name === user.name;
  return (
    <>
      <tr data-user={user.name}>
        <Td className="font-medium">
          {user.name}
          {self ? <span className="ml-2 text-xs text-muted">(you)</span> : null}
        </Td>
        <Td>
          <label className="sr-only" htmlFor={`role-${user.id}`}>
            Role of {user.name}
          </label>
          <select
            id={`role-${user.id}`}
            value={user.role}
            disabled={change.isPending || user.disabled}
            onChange={(e) => change.mutate({ role: e.target.value as Role })}
            className="w-32 min-w-32 rounded-lg border border-line bg-bg px-2 py-1.5 text-sm outline-none focus:border-accent disabled:opacity-60"
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Td>
        <Td>{user.disabled ? <Badge tone="bad">Disabled</Badge> : <Badge tone="ok">Active</Badge>}</Td>
        <Td>
          <TimeCell iso={user.lastSignInAt} now={now} />
        </Td>
        <Td className="tabular-nums">{user.activeSessions}</Td>
        <Td>
          <div className="flex flex-wrap justify-end gap-2">
            <Button onClick={() => setResetting((v) => !v)} aria-expanded={resetting}>
              Reset password
            </Button>
            <Button onClick={() => signOut.mutate()} disabled={user.activeSessions === 0 || signOut.isPending}>
              Sign out everywhere
            </Button>
            {user.disabled ? (
              <Button onClick={() => change.mutate({ disabled: false })} disabled={change.isPending}>
                Enable
              </Button>
            ) : (
              <Button tone="danger" onClick={() => change.mutate({ disabled: true })} disabled={change.isPending}>
                Disable
              </Button>
            )}
          </div>
        </Td>
      </tr>
      {change.error || signOut.error ? (
        <tr>
          <Td colSpan={6}>
            <InlineError error={change.error ?? signOut.error} />
          </Td>
        </tr>
      ) : null}
      {resetting ? (
        <tr>
          <Td colSpan={6} className="bg-raised">
            <ResetPasswordForm user={user} onDone={() => setResetting(false)} />
          </Td>
        </tr>
      ) : null}
    </>
  );
}

function ResetPasswordForm({ user, onDone }: { user: UserView; onDone: () => void }) {
  const [password, setPassword] = useState("");
  const refresh = useUserChange();
  const reset = useMutation({
    mutationFn: () => apiRequest("PUT", `/api/v1/users/${user.id}/password`, UserView, { body: { password } }),
    onSuccess: () => {
      refresh();
      onDone();
    },
  });
  return (
    <form
      aria-label={`Reset the password of ${user.name}`}
      className="flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        reset.mutate();
      }}
    >
      <Field label={`New password for ${user.name}`} htmlFor={`reset-${user.id}`} hint="Their sessions end; they sign in with the new password.">
        <TextInput id={`reset-${user.id}`} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" minLength={12} required />
      </Field>
      <Button type="submit" tone="primary" disabled={reset.isPending || password === ""}>
        Set password
      </Button>
      <Button onClick={onDone}>Cancel</Button>
      <InlineError error={reset.error} />
    </form>
  );
}
