import { RecordsChildHeader } from "@/components/records/record-detail-header.tsx";
import { RecordDetailScreen } from "@/components/records/record-detail-screen.tsx";

// Next hands the segment over still percent-encoded in some versions; an id with a stray "%" stays as it is.
const decoded = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  return { title: `Record ${decoded((await params).id)}` };
}

export default async function RecordPage({ params }: { params: Promise<{ id: string }> }) {
  const id = decoded((await params).id);
  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-6">
      <RecordsChildHeader>
        <span className="sr-only">Record </span>
        <span className="font-mono">{id}</span>
      </RecordsChildHeader>
      <RecordDetailScreen id={id} />
    </div>
  );
}
