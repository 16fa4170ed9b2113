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

export const peopleCalls = {
  find: (q: string, signal?: AbortSignal) => request<PersonCard[]>(`${V1}/admin/people`, { query: { q }, signal }),
  disable: (id: number) => request<PersonCard>(`${V1}/admin/people/${id}/disable`, { method: "POST" }),
  resetPassword: (userId: number) =>
    request<{ password: string }>(`${V1}/admin/accounts/${userId}/reset-password`, { method: "POST" }),
  openAccount: (personId: number) =>
    request<OpenedAccounts>(`${V1}/admin/accounts`, { json: { person_ids: [personId] } }),
};
