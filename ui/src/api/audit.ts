// The auditor API (docs/audit.md §3) and the public certificate check, typed for the screens
// that use them. Kept apart from endpoints.ts so the reviewer's bundle does not carry them.
import { ApiError, NetworkError, buildUrl, request } from "./client";
import type { Page, Problem } from "./types";
import { session } from "../auth/session";
import { acceptLanguage } from "../i18n";

const V1 = "/api/v1";

export interface UserRef {
  id: number;
  username: string;
  display_name: string;
}

export interface AuditInstance {
  id: number;
  process_id: string;
  definition_id: number;
  definition_version: number | null;
  business_key: string;
  status: string;
  started_by: UserRef | null;
  started_at: string;
  ended_at: string | null;
  last_event_seq: number;
}

export interface AuditInstanceQuery {
  business_key?: string;
  applicant?: string;
  process_id?: string;
  status?: string;
  started_from?: string;
  started_to?: string;
  page?: number;
  per_page?: number;
}

export interface TimelineEntry {
  seq: number;
  at: string;
  kind: string;
  actor: UserRef | null;
  task_name: string | null;
  task_title: string | null;
  task_id: number | null;
  data: Record<string, unknown> | null;
  outcome: unknown;
  payload: Record<string, unknown>;
  hash: string;
}

export interface ChainState {
  intact: boolean;
  first_broken: { seq: number; problem: string } | null;
}

export interface Timeline {
  instance: AuditInstance;
  chain: ChainState;
  events: TimelineEntry[];
}

export interface OpenTaskState {
  task_name: string;
  title: string;
  bpmn_id: string;
  group: string | null;
  task_id: number | null;
}

export interface Replay {
  instance_id: number;
  process_id: string;
  definition_id: number;
  definition_version: number;
  upto: number;
  last_seq: number;
  status: string;
  data: Record<string, unknown>;
  open_tasks: OpenTaskState[];
  /** BPMN ids of completed elements, in completion order. */
  path: string[];
  error: Record<string, unknown> | null;
  integrity: { checked: boolean; matches: boolean | null; differences: Record<string, unknown>[]; note?: string };
}

export interface DataChange {
  op: "added" | "removed" | "changed";
  path: string;
  from?: unknown;
  to?: unknown;
}

export interface DataDiff {
  instance_id: number;
  from: { seq: number; status: string; open_tasks: string[] };
  to: { seq: number; status: string; open_tasks: string[] };
  changes: DataChange[];
  findings: Record<string, unknown>[];
}

export interface Finding {
  scope: "anchor" | "definitions" | "instance" | string;
  instance_id?: number;
  seq?: number;
  anchor_id?: number;
  problem: string;
}

export interface VerifyReport {
  ok: boolean;
  first_broken: Finding | null;
  findings: Finding[];
  anchors_checked: number;
  instances_checked: number;
  events_checked: number;
  latest_anchor: { id: number; created_at: string; hash: string } | null;
}

export interface CertificateCheck {
  certificate_no: string | null;
  match: boolean;
  valid: boolean;
  status: "valid" | "revoked" | "reissued" | null;
  message: string;
  holder_name?: string;
  occupation?: string;
  level?: number;
  level_name?: string;
  issued_on?: string;
  replaced_by?: string | null;
}

export const auditCalls = {
  instances: (query: AuditInstanceQuery, signal?: AbortSignal) =>
    request<Page<AuditInstance>>(`${V1}/audit/instances`, { query: { ...query }, signal }),
  timeline: (id: number, signal?: AbortSignal) =>
    request<Timeline>(`${V1}/audit/instances/${id}/timeline`, { signal }),
  replay: (id: number, upto: number, signal?: AbortSignal) =>
    request<Replay>(`${V1}/instances/${id}/replay`, { query: { upto }, signal }),
  diff: (id: number, from: number, to: number, signal?: AbortSignal) =>
    request<DataDiff>(`${V1}/audit/instances/${id}/diff`, { query: { from, to }, signal }),
  verify: () => request<VerifyReport>(`${V1}/audit/verify`),
  /** The signed export zip of one instance, with the file name the server chose. */
  exportInstance: (id: number) => download(`${V1}/audit/export`, { instance_id: id }, `certflow-audit-instance-${id}.zip`),
};

export interface RegisterEntry {
  certificate_no: string;
  holder_name: string;
  id_number: string;
  occupation: string;
  level: number;
  level_name: string | null;
  exam_session: string | null;
  issued_on: string;
  status: "valid" | "revoked" | "reissued";
  business_key: string | null;
  source_instance_id: number | null;
  replaces: string | null;
  replaced_by: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
}

export interface RegisterDetail extends RegisterEntry {
  scores: Record<string, unknown>;
  events: { kind: string; at: string; instance_id: number | null; payload: Record<string, unknown> }[];
}

export interface RegisterQuery {
  q?: string;
  status?: string;
  level?: number;
  page?: number;
  per_page?: number;
}

export const certificateCalls = {
  register: (query: RegisterQuery, signal?: AbortSignal) =>
    request<{ items: RegisterEntry[]; total: number; page: number; per_page: number }>(`${V1}/certificates`, { query: { ...query }, signal }),
  entry: (certificateNo: string, signal?: AbortSignal) =>
    request<RegisterDetail>(`${V1}/certificates/${encodeURIComponent(certificateNo)}`, { signal }),
  /** The certificate as a PDF with its QR code, with the file name the server chose. */
  pdf: (certificateNo: string) =>
    download(`${V1}/certificates/${encodeURIComponent(certificateNo)}/pdf`, {}, `certificate-${certificateNo}.pdf`, "application/pdf"),
  verify: (certificateNo: string, holderName: string, signal?: AbortSignal) =>
    request<CertificateCheck>(`${V1}/certificates/verify`, {
      query: { certificate_no: certificateNo, holder_name: holderName },
      anonymous: true,
      signal,
    }),
};

/** GET a binary answer with the bearer token; failures become ApiError/NetworkError as elsewhere. */
export async function download(path: string, query: Record<string, string | number>, fallbackName: string,
  accept = "application/zip"): Promise<{ blob: Blob; filename: string }> {
  const headers: Record<string, string> = {
    Accept: `${accept}, application/problem+json`, "Accept-Language": acceptLanguage(),
  };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(buildUrl(path, query), { headers });
  } catch (error) {
    throw new NetworkError(error);
  }
  if (!response.ok) {
    let problem: Problem | null = null;
    try {
      const body = await response.json();
      problem = body && typeof body === "object" && "status" in body ? (body as Problem) : null;
    } catch {
      /* not a problem document */
    }
    if (response.status === 401) session.expire();
    throw new ApiError(response.status, problem, null);
  }
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const encoded = disposition.match(/filename\*=UTF-8''([^;]+)/i);
  const match = disposition.match(/filename="?([^";]+)"?/);
  let filename = match?.[1] ?? fallbackName;
  if (encoded) {
    try {
      filename = decodeURIComponent(encoded[1]);
    } catch {
      /* keep the plain name */
    }
  }
  return { blob: await response.blob(), filename };
}
