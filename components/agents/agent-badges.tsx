import { agentBadges, type AgentBadgeKind } from "@/lib/view/agent-status.ts";
import { Badge } from "../ui/badge.tsx";
import { QuestionIcon, RegistryIcon, ShieldIcon, ShieldOffIcon } from "../ui/icons.tsx";

const ICONS: Record<AgentBadgeKind, React.ReactNode> = {
  registered: <RegistryIcon />,
  unregistered: <QuestionIcon />,
  attested: <ShieldIcon />,
  unattested: <ShieldOffIcon />,
};

export function AgentBadges({ registered, attested }: { registered: boolean; attested: boolean }) {
  return (
    <span className="flex flex-wrap gap-1">
      {agentBadges({ registered, attested }).map((b) => (
        <Badge key={b.kind} tone={b.tone} icon={ICONS[b.kind]} title={b.title}>
          {b.label}
        </Badge>
      ))}
    </span>
  );
}
