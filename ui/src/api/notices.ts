// The public 认定计划 list, the 公示 of results under notice and objections (no sign-in needed;
// a signed-in user's token is sent so the objection is made in their name).
import { request } from "./client";

const V1 = "/api/v1";

export interface Plan {
  code: string;
  version: number;
  title: string;
  centre: string;
  occupations: { occupation: string; levels: number[] }[];
  apply_from: string;
  apply_until: string;
  window_ends_at: string;
  open: boolean;
  exams: { part: string; date: string; venue: string }[];
  exam_mode: string;
  exam_mode_name: string;
  requirements: string;
}

export interface NoticeEntry {
  business_key: string;
  masked_name: string;
  occupation: string;
  level: number;
  level_name: string;
  result: string;
  notice_ends_at: string | null;
  under_review: boolean;
}

export interface ObjectionReceipt {
  objection_no: number;
  business_key: string;
  routing: string;
  message: string;
}

export const noticeCalls = {
  plans: (signal?: AbortSignal) => request<{ items: Plan[] }>(`${V1}/plans`, { anonymous: true, signal }),
  notice: (code: string, signal?: AbortSignal) =>
    request<{ plan: Plan | null; items: NoticeEntry[] }>(`${V1}/plans/${encodeURIComponent(code)}/notice`, {
      anonymous: true,
      signal,
    }),
  object: (body: { business_key: string; reason: string; name?: string; contact?: string }, signedIn: boolean) =>
    request<ObjectionReceipt>(`${V1}/objections`, { method: "POST", json: body, anonymous: !signedIn }),
};
