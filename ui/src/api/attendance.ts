// Attendance (考勤) endpoints: my classes, a session's roster, taking attendance, the class view.
import { download } from "./audit";
import { request } from "./client";

const BASE = "/api/v1/attendance";

export interface ClassRef { id: number; code: string; name: string; role: string; role_name: string }
export interface SessionInfo {
  id: number; course_id: number; course: string; class_unit_id: number; date: string;
  half: string; half_name: string; period: string; kind: string; kind_name: string; hours: number;
}
export type MarkValue = "present" | "late" | "absent" | "leave";
export interface RosterLearner {
  person_id: number; name: string; number: string | null; mark: MarkValue;
  counted: string | null; counted_name: string | null; note: string | null;
}
export interface Roster { session: SessionInfo; recorded: boolean; learners: RosterLearner[] }
export interface Measure {
  id: number; person_id: number; name: string; kind: string; kind_name: string; school_year: string;
  course: string | null; instance_id: number | null; reason: string; opened_at: string;
}
export interface Recorded { session_id: number; counts: Record<string, number>; measures: Measure[] }
export interface Totals { absence_days: number; truancy_days: number; leave_days: number; late: number }
export interface OverviewLearner extends Totals {
  person_id: number; name: string; number: string | null; near: string[]; measures: Measure[];
}
export interface Overview { school_year: string; learners: OverviewLearner[] }
export interface Week { week_start: string; leave_days: number; truancy_days: number }
export interface MyAttendance {
  school_year: string; totals: Totals; measures: Measure[];
  courses: { course_id: number; course: string; term: string; contact_hours: number; absent_hours: number }[];
  records: { session_id: number; date: string; half_name: string; course: string; kind_name: string; counted: string; counted_name: string }[];
}

export interface SessionChange {
  id: number; session_id: number; action: "changed" | "deleted"; action_name: string;
  before: SessionInfo; after: SessionInfo | null; reason: string; actor: string; at: string;
}

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export const attendanceCalls = {
  classes: (signal?: AbortSignal) => request<ClassRef[]>(`${BASE}/classes`, { signal }),
  sessions: (unitId: number, signal?: AbortSignal) => request<SessionInfo[]>(`${BASE}/classes/${unitId}/sessions`, { signal }),
  roster: (sessionId: number, signal?: AbortSignal) => request<Roster>(`${BASE}/sessions/${sessionId}`, { signal }),
  record: (sessionId: number, marks: { person_id: number; mark: MarkValue }[]) =>
    request<Recorded>(`${BASE}/sessions/${sessionId}/records`, { method: "PUT", json: { marks } }),
  overview: (unitId: number, signal?: AbortSignal) => request<Overview>(`${BASE}/classes/${unitId}/overview`, { signal }),
  weekly: (unitId: number, signal?: AbortSignal) => request<Week[]>(`${BASE}/classes/${unitId}/weekly`, { signal }),
  mine: (signal?: AbortSignal) => request<MyAttendance>(`${BASE}/me`, { signal }),
  importSessions: (unitId: number, file: File) => {
    const form = new FormData();
    form.append("file", file);
    return request<{ ids: number[] }>(`${BASE}/classes/${unitId}/sessions/import`, { method: "POST", form });
  },
  template: () => download(`${BASE}/timetable-template.csv`, {}, "timetable-template.csv", "text/csv"),
  classReport: (unitId: number, fmt: "csv" | "xlsx") =>
    download(`${BASE}/reports/classes/${unitId}.${fmt}`, {}, `attendance-report.${fmt}`, fmt === "xlsx" ? XLSX : "text/csv"),
  deleteSession: (sessionId: number, reason: string) =>
    request<void>(`${BASE}/sessions/${sessionId}`, { method: "DELETE", query: { reason } }),
  changes: (unitId: number, signal?: AbortSignal) =>
    request<SessionChange[]>(`${BASE}/classes/${unitId}/session-changes`, { signal }),
};
