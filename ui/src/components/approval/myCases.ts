// 我的申请: the applicant's cases in words (GET /api/v1/my-cases) and a task's guidance.
import { request } from "../../api/client";

export interface CurrentStep { task_id: number; title: string; holder: string; held_by_person: boolean; mine: boolean; due_at: string | null }
export interface Outcome { code: string; words: string; reason: string | null; failed_parts: string[]; certificate_no: string | null }
export interface ApplicantCase {
  id: number;
  process_id: string;
  business_key: string;
  status: string;
  status_words: string;
  started_at: string;
  ended_at: string | null;
  current: CurrentStep[];
  outcome: Outcome | null;
  notices: { at: string; subject: string; body: string }[];
  can_withdraw: boolean;
  can_remind: boolean;
  can_appeal: boolean;
}
export interface TaskGuidance { reason_label: string | null; reason: string | null; deadline: string | null; prefill: Record<string, unknown> }

export const myCaseCalls = {
  myCases: (status: string | undefined, signal?: AbortSignal) =>
    request<ApplicantCase[]>("/api/v1/my-cases", { query: { status }, signal }),
  guidance: (taskId: number, signal?: AbortSignal) => request<TaskGuidance>(`/api/v1/tasks/${taskId}/guidance`, { signal }),
};
