// The approval actions' endpoints (转交, 退回, 加签, 撤回, 催办, 抄送, comments): README "Approval actions".
import { request } from "../../api/client";
import type { Instance, Task } from "../../api/types";

const V1 = "/api/v1";

export interface Person { username: string; display_name: string }
export interface TaskActions {
  actions: string[];
  send_back_to: { step: string; title: string }[];
  transfer_to: Person[];
}
export interface Opinion {
  instance_id: number;
  request_seq: number;
  task_id: number;
  task_title: string;
  business_key: string;
  asked_by: string;
  asked_at: string;
  to: string;
  question: string;
  answer: string | null;
  answered_at: string | null;
}
export interface Comment { seq: number; at: string; author: string; text: string }

export const approvalCalls = {
  actions: (taskId: number, signal?: AbortSignal) => request<TaskActions>(`${V1}/tasks/${taskId}/actions`, { signal }),
  people: (signal?: AbortSignal) => request<Person[]>(`${V1}/people`, { signal }),
  transfer: (taskId: number, to: string, reason: string) =>
    request<Task>(`${V1}/tasks/${taskId}/transfer`, { json: { to, reason: reason || null } }),
  sendBack: (taskId: number, toStep: string, reason: string) =>
    request<Instance>(`${V1}/tasks/${taskId}/send-back`, { json: { to_step: toStep, reason } }),
  askOpinion: (taskId: number, to: string, question: string) =>
    request<Opinion>(`${V1}/tasks/${taskId}/opinions`, { json: { to, question } }),
  taskOpinions: (taskId: number, signal?: AbortSignal) => request<Opinion[]>(`${V1}/tasks/${taskId}/opinions`, { signal }),
  myOpinions: (signal?: AbortSignal) => request<Opinion[]>(`${V1}/opinions`, { signal }),
  answerOpinion: (instanceId: number, seq: number, answer: string) =>
    request<Opinion>(`${V1}/instances/${instanceId}/opinions/${seq}/answer`, { json: { answer } }),
  withdraw: (instanceId: number, reason: string) =>
    request<Instance>(`${V1}/instances/${instanceId}/withdraw`, { json: { reason: reason || null } }),
  remind: (instanceId: number) => request<{ reminded: string[] }>(`${V1}/instances/${instanceId}/remind`, { method: "POST" }),
  copy: (instanceId: number, to: string[], note: string) =>
    request<{ copied_to: string[] }>(`${V1}/instances/${instanceId}/copies`, { json: { to, note: note || null } }),
  comments: (instanceId: number, signal?: AbortSignal) => request<Comment[]>(`${V1}/instances/${instanceId}/comments`, { signal }),
  comment: (instanceId: number, text: string) => request<Comment>(`${V1}/instances/${instanceId}/comments`, { json: { text } }),
};
