import { approvalStatusLook } from "@/lib/view/approval-format.ts";
import { Badge } from "../ui/badge.tsx";

/** The request's state: colour, icon and word. */
export function ApprovalStatusBadge({ status }: { status: string }) {
  const look = approvalStatusLook(status);
  return (
    <Badge tone={look.tone} title={look.meaning}>
      {look.label}
    </Badge>
  );
}
