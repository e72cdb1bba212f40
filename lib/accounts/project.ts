// Projects (tenants): prod and staging, or two customers. Every row of
// product data belongs to one; nothing crosses projects (docs/adr/0015-projects.md).
import { z } from "zod";

/** Where existing installations, the admin token and unscoped callers land. */
export const DEFAULT_PROJECT = "default";

/** The request header with which the admin token names a project to send into or act on. */
export const PROJECT_HEADER = "x-firebreak-project";

/** The dashboard's cookie and query parameter that pick the project a signed-in user looks at. */
export const PROJECT_COOKIE = "fb_project";
export const PROJECT_PARAM = "project";

/** A project id is a slug: it appears in URLs, cookies, headers and metric labels. */
export const ProjectId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "a project id is 1 to 40 lower-case letters, digits or dashes, starting with a letter or digit");
export type ProjectId = z.infer<typeof ProjectId>;

export const CreateProjectBody = z
  .strictObject({
    id: ProjectId,
    name: z.string().trim().min(1, "give the project a name people recognise").max(100),
  })
  .meta({ id: "CreateProjectBody" });
export type CreateProjectBody = z.infer<typeof CreateProjectBody>;

export const ProjectView = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.iso.datetime({ offset: true }),
    createdBy: z.string(),
  })
  .meta({ id: "ProjectView" });
export type ProjectView = z.infer<typeof ProjectView>;

export const ProjectsResponse = z.object({ items: z.array(ProjectView) }).meta({ id: "ProjectsResponse" });
export type ProjectsResponse = z.infer<typeof ProjectsResponse>;

/** The project a request names, if any, when the caller may choose (admin token, signed-in users). */
export function requestedProject(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === "") return null;
  const parsed = ProjectId.safeParse(value);
  return parsed.success ? parsed.data : null;
}
