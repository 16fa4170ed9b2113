// The administrator's calls on the people of their centre (docs/onboarding.md).
import { request } from "./client";

const V1 = "/api/v1";

export interface AccountRef { id: number; username: string; active: boolean; awaiting_activation: boolean }
export interface HeldEnrolment { id: number; unit_id: number; class_name: string; valid_from: string; valid_to: string | null }
export interface HeldPosition {
  id: number; role: string; role_name: string; unit_id: number; unit: string; valid_from: string; valid_to: string | null;
}
export interface PersonCard {
  id: number;
  name: string;
  number: string | null;
  id_number: string | null;
  mobile: string | null;
  employer: string | null;
  status: string;
  status_name: string;
  accounts: AccountRef[];
  enrolments: HeldEnrolment[];
  positions: HeldPosition[];
}
/** What an administrator types for a person; empty strings clear a field when editing. */
export interface PersonFields {
  name?: string;
  number?: string | null;
  id_number?: string | null;
  mobile?: string | null;
  employer?: string | null;
  status?: string;
  class_id?: number;
}
/** What is handed over once: a password, or an activation code with its expiry. */
export interface HandedOver {
  person_id: number; username: string;
  password: string | null; activation_code: string | null; expires_at: string | null;
}
export interface OpenedAccounts {
  accounts: HandedOver[];
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
  get: (id: number, signal?: AbortSignal) => request<PersonCard>(`${V1}/admin/people/${id}`, { signal }),
  create: (fields: PersonFields) => request<PersonCard>(`${V1}/admin/people`, { json: fields }),
  edit: (id: number, fields: PersonFields) =>
    request<PersonCard>(`${V1}/admin/people/${id}`, { method: "PATCH", json: fields }),
  moveLearner: (id: number, unitId: number, validFrom: string | null) =>
    request<PersonCard>(`${V1}/admin/people/${id}/enrolment`, { json: { unit_id: unitId, valid_from: validFrom } }),
  givePosition: (id: number, body: { unit_id: number; role: string; valid_from: string | null; valid_to: string | null }) =>
    request<PersonCard>(`${V1}/admin/people/${id}/positions`, { json: body }),
  endPosition: (positionId: number, validTo: string | null) =>
    request<void>(`${V1}/admin/positions/${positionId}/end`, { json: { valid_to: validTo } }),
  disable: (id: number) => request<PersonCard>(`${V1}/admin/people/${id}/disable`, { method: "POST" }),
  resetPassword: (userId: number) =>
    request<{ password: string }>(`${V1}/admin/accounts/${userId}/reset-password`, { method: "POST" }),
  openAccount: (personId: number, mode: "password" | "activation_code" = "password") =>
    request<OpenedAccounts>(`${V1}/admin/accounts`, { json: { person_ids: [personId], mode } }),
  issueCode: (userId: number) =>
    request<HandedOver>(`${V1}/admin/accounts/${userId}/activation-code`, { method: "POST" }),
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
