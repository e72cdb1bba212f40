"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ProjectView, type CreateProjectBody } from "@/lib/accounts/project.ts";
import { apiRequest } from "../api-client.ts";
import { Panel } from "../ui/panel.tsx";
import { ErrorState, LoadingRows } from "../ui/states.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { TimeCell } from "../ui/time-cell.tsx";
import { useNow } from "../ui/use-now.ts";
import { projectsQuery } from "./admin-queries.ts";
import { Button, Field, InlineError, TextInput } from "./form-controls.tsx";
import { RetentionCell, RetentionEditor } from "./project-retention.tsx";

/** Projects (tenants): list, create, and each one's retention period. Tokens and ingest keys made below belong to the project picked in the sidebar. */
export function ProjectsPanel() {
  const projects = useQuery(projectsQuery);
  const now = useNow();
  return (
    <Panel
      id="projects"
      title="Projects"
      description="Each project has its own agents, keys, records, breakers, incidents and kill switches; nothing crosses them. Tokens and ingest keys created below belong to the project picked in the sidebar."
    >
      <CreateProjectForm />
      {projects.isPending ? (
        <LoadingRows label="Loading projects" />
      ) : projects.isError ? (
        <ErrorState title="Could not load projects" error={projects.error} onRetry={() => void projects.refetch()} />
      ) : (
        <Table label="Projects">
          <thead>
            <tr>
              <Th>Id</Th>
              <Th>Name</Th>
              <Th>Created</Th>
              <Th>Created by</Th>
              <Th>Retention</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {projects.data.items.map((p) => (
              <ProjectRow key={p.id} project={p} now={now} />
            ))}
          </tbody>
        </Table>
      )}
    </Panel>
  );
}

function ProjectRow({ project, now }: { project: ProjectView; now: Date }) {
  const [editing, setEditing] = useState(false);
  return (
    <>
      <tr data-project={project.id}>
        <Td className="font-mono">{project.id}</Td>
        <Td>{project.name}</Td>
        <Td>
          <TimeCell iso={project.createdAt} now={now} />
        </Td>
        <Td>{project.createdBy}</Td>
        <Td>
          <RetentionCell project={project.id} />
        </Td>
        <Td>
          <div className="flex justify-end">
            <Button onClick={() => setEditing((v) => !v)} aria-expanded={editing}>
              Change retention
            </Button>
          </div>
        </Td>
      </tr>
      {editing ? <RetentionEditor project={project.id} colSpan={6} onDone={() => setEditing(false)} /> : null}
    </>
  );
}

function CreateProjectForm() {
  const [id, setId] = useState("");
  const [name, setName] = useState("");
  const client = useQueryClient();
  const create = useMutation({
    mutationFn: (body: CreateProjectBody) => apiRequest("POST", "/api/v1/projects", ProjectView, { body }),
    onSuccess: async () => {
      setId("");
      setName("");
      await client.invalidateQueries({ queryKey: projectsQuery.queryKey });
    },
  });
  return (
    <form
      className="flex flex-wrap items-end gap-3 border-b border-line px-5 py-4"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ id: id.trim(), name: name.trim() || id.trim() });
      }}
    >
      <Field label="Id (lower-case letters, digits, dashes)" htmlFor="project-id">
        <TextInput id="project-id" value={id} onChange={(e) => setId(e.target.value)} placeholder="staging" required pattern="[a-z0-9][a-z0-9-]{0,39}" aria-label="Project id" />
      </Field>
      <Field label="Name" htmlFor="project-name">
        <TextInput id="project-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Staging" aria-label="Project name" />
      </Field>
      <Button type="submit" tone="primary" disabled={create.isPending || id.trim() === ""}>
        Create project
      </Button>
      <InlineError error={create.error} />
    </form>
  );
}
