// Shapes of the certflow API's JSON (see /api/openapi.json). Only the fields the UI reads.

export interface Actor {
  id: number;
  username: string;
  display_name: string;
  role: "admin" | "auditor" | "reviewer" | "applicant" | string;
  groups: string[];
  /** Signed in with a password an administrator handed over: choose your own first. */
  must_change_password?: boolean;
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_at: string;
  user: Actor;
}

export interface ProblemDetail {
  message: string;
  pointer?: string;
  file?: string;
  element_id?: string;
  line?: number;
  rule?: string;
  [key: string]: unknown;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: ProblemDetail[];
  /** On a 409 for a task someone else claimed: who holds it. */
  claimed_by?: { id: number; display_name: string };
}

export type TaskStatus = "ready" | "claimed" | "completed" | "cancelled" | string;

export interface Task {
  id: number;
  instance_id: number;
  task_name: string;
  title: string;
  process_id: string;
  business_key: string;
  candidate_group: string | null;
  assignee_id: number | null;
  status: TaskStatus;
  form_ref: string | null;
  due_at: string | null;
  overdue: boolean;
  created_at: string;
  claimed_at: string | null;
  completed_at: string | null;
  completed_by: number | null;
  /** The facts the task declares as its summary, in declared order, ready to show. */
  summary?: SummaryItem[];
}

export interface SummaryItem {
  label: string;
  value: string;
}

export type JsonSchema = Record<string, unknown>;

export interface TaskDetail extends Task {
  form_schema: JsonSchema | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
}

export interface InboxPage extends Page<Task> {
  total_is_exact: boolean;
}

export interface Definition {
  id: number;
  process_id: string;
  version: number;
  name: string;
  content_hash: string;
  bpmn_file: string;
  file_names: string[];
  deployed_at: string;
  deployed_by: number | null;
  created?: boolean;
}

export type InstanceStatus = "running" | "completed" | "failed" | "cancelled" | "incident" | "suspended" | string;

export interface CompletedStep {
  task_id: number;
  task_name: string;
  title: string;
  completed_by: number | null;
  completed_by_name?: string | null;
  completed_at: string | null;
}

export interface Instance {
  id: number;
  process_id: string;
  definition_id: number;
  definition_version: number;
  business_key: string;
  status: InstanceStatus;
  data: Record<string, unknown>;
  error: Record<string, unknown> | null;
  version: number;
  started_by: number | null;
  started_at: string;
  ended_at: string | null;
  open_tasks: Task[];
  completed_steps: CompletedStep[];
  /** Only the newest 50 steps are listed (answers to start/complete); GET lists all. */
  completed_steps_truncated?: boolean;
}

export interface InstanceSummary {
  id: number;
  process_id: string;
  business_key: string;
  status: InstanceStatus;
  started_by: number | null;
  started_at: string;
  ended_at: string | null;
}

export interface ProcessEvent {
  id: number;
  seq: number;
  kind: string;
  at: string;
  actor_id: number | null;
  /** Who acted, by name; null for what certflow did by itself (timers, rules). */
  actor_name?: string | null;
  task_name: string | null;
  payload: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export interface BatchItemResult {
  task_id: number;
  ok: boolean;
  status: number;
  instance_id: number | null;
  instance_status: string | null;
  problem: Problem | null;
}

export interface BatchResult {
  completed: number;
  failed: number;
  results: BatchItemResult[];
}

/** A service task that failed after every retry, waiting for an administrator's retry. */
export interface Incident {
  id: number;
  instance_id: number;
  job_id: number;
  task_name: string;
  operation: string;
  error_type: string;
  message: string;
  /** The innermost frames, file:line function (no locals). */
  stack: { file?: string; line?: number; function?: string }[];
  attempts: number;
  status: "open" | "retried" | "cancelled" | string;
  created_at: string;
  retried_at: string | null;
  retried_by: number | null;
}

/** A durable timer of an instance (GET /timers). */
export interface TimerInfo {
  id: number;
  instance_id: number;
  element_id: string;
  task_name: string;
  kind: string;
  expression: string;
  due_at: string;
  status: string;
}

/** A reminder, escalation or notice for me or my group (GET /notifications). */
export interface NotificationChannels {
  email: string | null;
  email_enabled: boolean;
  webhook_enabled: boolean;
}

export interface AppNotification {
  id: number;
  recipient_user_id: number | null;
  recipient_group: string | null;
  instance_id: number | null;
  task_name: string | null;
  kind: string;
  subject: string;
  body: string;
  created_at: string;
}
