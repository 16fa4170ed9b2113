// The administrator's calls on the people of their centre (docs/onboarding.md).
import { request } from "./client";

const V1 = "/api/v1";

export interface AccountRef { id: number; username: string; active: boolean }
export interface PersonCard {
  id: number;
  name: string;
  number: string | null;
  id_number: string | null;
  mobile: string | null;
  status: string;
  status_name: string;
  accounts: AccountRef[];
  enrolments: { id: number; class_name: string }[];
  positions: { id: number; role_name: string; unit: string }[];
}
export interface OpenedAccounts {
  accounts: { person_id: number; username: string; password: string }[];
  skipped: { person_id: number; reason: string }[];
}

export interface ImportSummary {
  rows: number; add: number; update: number; unchanged: number; invalid: number; problems: number;
  changes?: number;
}
export interface ImportPreview {
  id: number;
  status: string;
  summary: ImportSummary;
  problems: { row: number; column: string; reason: string }[];
}
export interface ImportJob {
  state: "queued" | "running" | "done" | "failed";
  phase: string;
  done: number;
  total: number;
  percent: number;
  summary: ImportSummary | null;
  problem: { title: string; detail: string } | null;
}

export const peopleCalls = {
  find: (q: string, signal?: AbortSignal) => request<PersonCard[]>(`${V1}/admin/people`, { query: { q }, signal }),
  disable: (id: number) => request<PersonCard>(`${V1}/admin/people/${id}/disable`, { method: "POST" }),
  resetPassword: (userId: number) =>
    request<{ password: string }>(`${V1}/admin/accounts/${userId}/reset-password`, { method: "POST" }),
  openAccount: (personId: number) =>
    request<OpenedAccounts>(`${V1}/admin/accounts`, { json: { person_ids: [personId] } }),
  previewImport: (kind: string, file: File) => {
    const form = new FormData();
    form.append("file", file);
    return request<ImportPreview>(`${V1}/directory/imports`, { form, query: { kind }, method: "POST" });
  },
  startConfirm: (id: number) => request<ImportJob>(`${V1}/directory/imports/${id}/confirm-job`, { method: "POST" }),
  confirmJob: (id: number) => request<ImportJob>(`${V1}/directory/imports/${id}/confirm-job`),
};

// The academic-year rollover (docs/onboarding.md): preview, then confirm by the preview's digest.
export interface UnitNode { id: number; name: string; code: string; kind: string; active: boolean; grade: number | null; children: UnitNode[] }
export interface RolloverRequest { on: string; graduate_class_ids: number[]; promote_class_ids: number[]; end_roles: string[] }
export interface RolloverPlan {
  on: string;
  digest: string;
  classes: { id: number; code: string; name: string }[];
  promotions: { id: number; code: string; name: string; grade_before: number; grade_after: number; grade_derived: boolean; learners: number }[];
  learners: { person_id: number; name: string; number: string | null; class: string; status: string }[];
  positions: { position_id: number; name: string; role: string; role_name: string; unit: string }[];
}
export interface RolloverDone { classes: number; promoted: number; learners: number; positions: number; changes: number }

export const rolloverCalls = {
  units: () => request<UnitNode[]>(`${V1}/directory/units`),
  setGrade: (unitId: number, grade: number) =>
    request<UnitNode>(`${V1}/admin/units/${unitId}`, { method: "PATCH", json: { grade } }),
  preview: (body: RolloverRequest) => request<RolloverPlan>(`${V1}/admin/rollover/preview`, { json: body }),
  confirm: (body: RolloverRequest, digest: string) =>
    request<RolloverDone>(`${V1}/admin/rollover/confirm`, { json: { ...body, digest } }),
};
