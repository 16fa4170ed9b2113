// Typed wrappers for each API endpoint the web app uses (README "Using the API").
import { request } from "./client";
import type {
  Actor,
  AppNotification,
  NotificationChannels,
  BatchResult,
  Definition,
  InboxPage,
  Incident,
  Instance,
  InstanceSummary,
  Page,
  ProcessEvent,
  Task,
  TaskDetail,
  TimerInfo,
  TokenResponse,
} from "./types";

const V1 = "/api/v1";

export interface InboxQuery {
  process_id?: string;
  group?: string;
  status?: "ready" | "claimed";
  business_key?: string;
  overdue?: boolean;
  sort?: "id" | "due";
  page?: number;
  per_page?: number;
}

export interface InstanceQuery {
  process_id?: string;
  business_key?: string;
  status?: string;
  page?: number;
  per_page?: number;
}

export const apiCalls = {
  signIn: (username: string, password: string) =>
    request<TokenResponse>(`${V1}/auth/token`, { json: { username, password }, anonymous: true }),
  /** Activate an account with its one-time code and a new password; signs the person in. */
  activate: (username: string, code: string, new_password: string) =>
    request<TokenResponse>(`${V1}/auth/activate`, { json: { username, code, new_password }, anonymous: true }),
  changePassword: (current_password: string, new_password: string) =>
    request<TokenResponse>(`${V1}/auth/password`, { json: { current_password, new_password } }),
  signOut: () => request<void>(`${V1}/auth/logout`, { method: "POST" }),
  /** The campus sign-on's button (404: none configured, passwords only). */
  singleSignOn: () => request<{ enabled: boolean; label: string | null; start_url: string | null }>(`${V1}/auth/sso`, { anonymous: true }),
  me: () => request<Actor>(`${V1}/me`),

  inbox: (query: InboxQuery, signal?: AbortSignal) =>
    request<InboxPage>(`${V1}/tasks`, { query: { ...query }, signal }),
  task: (id: number, signal?: AbortSignal) => request<TaskDetail>(`${V1}/tasks/${id}`, { signal }),
  claim: (id: number) => request<Task>(`${V1}/tasks/${id}/claim`, { method: "POST" }),
  release: (id: number) => request<Task>(`${V1}/tasks/${id}/release`, { method: "POST" }),
  /** With `claim`, an unclaimed task is claimed and completed in one request (办理). */
  complete: (id: number, data: Record<string, unknown>, claim = false) =>
    request<Instance>(`${V1}/tasks/${id}/complete`, { json: { data }, ...(claim ? { query: { claim: true } } : {}) }),
  /** Complete many tasks with one form's data; unclaimed ones of my groups are claimed first. */
  batchComplete: (taskIds: number[], data: Record<string, unknown>) =>
    request<BatchResult>(`${V1}/batch/complete`, {
      json: { items: taskIds.map((task_id) => ({ task_id })), data, claim: true },
    }),

  definitions: (query: { process_id?: string; all_versions?: boolean } = {}, signal?: AbortSignal) =>
    request<Definition[]>(`${V1}/definitions`, { query, signal }),
  definition: (processId: string, version: number, signal?: AbortSignal) =>
    request<Definition>(
      `${V1}/definitions/${encodeURIComponent(processId)}/versions/${version}`,
      { signal },
    ),
  definitionFile: (processId: string, version: number, name: string, signal?: AbortSignal) =>
    request<string>(
      `${V1}/definitions/${encodeURIComponent(processId)}/versions/${version}/files/${encodeURIComponent(name)}`,
      { text: true, signal },
    ),
  deploy: (files: Record<string, string>) =>
    request<Definition>(`${V1}/definitions`, { form: bundleForm(files) }),
  /** What the modeler's properties panel offers (roles, actions, rules, service functions). */
  vocabulary: (signal?: AbortSignal) => request<ModelerVocabulary>(`${V1}/definitions/vocabulary`, { signal }),
  validate: (files: Record<string, string>) =>
    request<{ valid: boolean }>(`${V1}/definitions/validate`, { form: bundleForm(files) }),

  startInstance: (body: {
    process_id: string;
    business_key: string;
    data: Record<string, unknown>;
    version?: number;
  }) => request<Instance>(`${V1}/instances`, { json: body }),
  instances: (query: InstanceQuery, signal?: AbortSignal) =>
    request<Page<InstanceSummary>>(`${V1}/instances`, { query: { ...query }, signal }),
  instance: (id: number, signal?: AbortSignal) => request<Instance>(`${V1}/instances/${id}`, { signal }),
  events: (id: number, signal?: AbortSignal) =>
    request<ProcessEvent[]>(`${V1}/instances/${id}/events`, { signal }),

  // Administrator operations on an instance, and incidents (failed service tasks).
  suspendInstance: (id: number, reason?: string) =>
    request<Instance>(`${V1}/instances/${id}/suspend`, { json: { reason: reason || null } }),
  resumeInstance: (id: number, reason?: string) =>
    request<Instance>(`${V1}/instances/${id}/resume`, { json: { reason: reason || null } }),
  terminateInstance: (id: number, reason: string) =>
    request<Instance>(`${V1}/instances/${id}/terminate`, { json: { reason } }),
  incidents: (query: { status?: string; instance_id?: number; page?: number; per_page?: number }, signal?: AbortSignal) =>
    request<Page<Incident>>(`${V1}/incidents`, { query: { ...query }, signal }),
  retryIncident: (id: number) => request<Incident>(`${V1}/incidents/${id}/retry`, { method: "POST" }),
  notifications: (query: { page?: number; per_page?: number } = {}, signal?: AbortSignal) =>
    request<Page<AppNotification>>(`${V1}/notifications`, { query: { ...query }, signal }),
  notificationChannels: (signal?: AbortSignal) =>
    request<NotificationChannels>(`${V1}/notifications/channels`, { signal }),
  setNotificationEmail: (email: string | null) =>
    request<NotificationChannels>(`${V1}/notifications/email`, { method: "PUT", json: { email } }),
  timers: (instanceId: number, signal?: AbortSignal) =>
    request<TimerInfo[]>(`${V1}/timers`, { query: { instance_id: instanceId }, signal }),
  /** Demo mode only: fire a waiting timer now (recorded in the case's history). */
  fireTimerNow: (id: number) => request<{ fired: number }>(`${V1}/timers/${id}/fire-now`, { method: "POST" }),
};

export interface ModelerVocabulary {
  roles: { id: string; name: string }[];
  anchors: { id: string; name: string }[];
  approval_actions: { id: string; name: string }[];
  duty_rules: { rule: string; argument: "task" | "path" | null; name: string }[];
  services: { name: string; description: string; params: { name: string; type: string; required: boolean }[] }[];
}

/** A deploy/validate multipart body: every file of the bundle under the field "files". */
export function bundleForm(files: Record<string, string>): FormData {
  const form = new FormData();
  for (const [name, content] of Object.entries(files)) {
    const type = name.endsWith(".json") ? "application/json" : "application/xml";
    form.append("files", new Blob([content], { type }), name);
  }
  return form;
}
