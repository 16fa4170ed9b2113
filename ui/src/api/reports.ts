// Certification reports and the 质量监督小组's view of its centre, typed for their screens.
import { request } from "./client";
import { download } from "./audit";

const V1 = "/api/v1";

export interface CaseCount { occupation: string; level: number | null; level_name: string | null; status: string; count: number }
export interface PassRate { occupation: string; level: number | null; level_name: string | null; scored: number; passed: number; failed: number; pass_rate: number | null }
export interface SessionRate { exam_session: string; candidates: number; absent: number; scored: number; passed: number; failed: number; pass_rate: number | null }
export interface StepCount { task_name: string; step: string; cases: number }
export interface OverdueCount { candidate_group: string | null; process_id: string; overdue: number; oldest_due_at: string | null }

export interface CentreCase {
  id: number;
  process_id: string;
  business_key: string;
  status: string;
  started_at: string;
  ended_at: string | null;
  applicant: string | null;
  occupation: string | null;
  level: number | null;
  open_steps: { title: string; group: string | null; held_by: string | null; due_at: string | null; overdue: boolean }[];
}

export const reportCalls = {
  cases: (signal?: AbortSignal) => request<CaseCount[]>(`${V1}/reports/certification/cases`, { signal }),
  passRates: (signal?: AbortSignal) => request<PassRate[]>(`${V1}/reports/certification/pass-rates`, { signal }),
  sessions: (signal?: AbortSignal) => request<SessionRate[]>(`${V1}/reports/certification/sessions`, { signal }),
  steps: (signal?: AbortSignal) => request<StepCount[]>(`${V1}/reports/certification/steps`, { signal }),
  overdue: (signal?: AbortSignal) => request<OverdueCount[]>(`${V1}/reports/tasks/overdue`, { signal }),
  workbook: () => download(`${V1}/reports/certification.xlsx`, {}, "certification-reports.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
  csv: (name: string) => download(`${V1}/reports/${name}.csv`, {}, `${name.split("/").pop()}.csv`, "text/csv"),
  centreCases: (query: { process_id?: string; status?: string; business_key?: string; page?: number; per_page?: number }, signal?: AbortSignal) =>
    request<{ items: CentreCase[]; total: number; page: number; per_page: number }>(`${V1}/supervision/cases`, { query: { ...query }, signal }),
};
