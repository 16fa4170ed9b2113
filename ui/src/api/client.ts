// The one place that talks HTTP: adds the bearer token, turns problem+json into ApiError and
// a failed fetch into NetworkError, so every caller can show the user what went wrong.
import type { Problem } from "./types";
import { session } from "../auth/session";
import { acceptLanguage } from "../i18n";

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;
  readonly retryAfter: number | null;

  constructor(status: number, problem: Problem | null, retryAfter: number | null) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  /** The last segment of the problem type, e.g. "task-already-claimed". */
  get slug(): string {
    return this.problem?.type.split("/").pop() ?? String(this.status);
  }
}

export class NetworkError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "NetworkError";
  }
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  json?: unknown;
  form?: FormData;
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
  /** Send without the bearer token (sign-in, public pages). */
  anonymous?: boolean;
  /** Return the body as text (BPMN/DMN files). */
  text?: boolean;
}

export function buildUrl(path: string, query?: RequestOptions["query"]): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: "application/json, application/problem+json", "Accept-Language": acceptLanguage(),
  };
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.form) {
    body = options.form;
  }
  const token = session.token();
  if (token && !options.anonymous) headers.Authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method: options.method ?? (body ? "POST" : "GET"),
      headers,
      body,
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new NetworkError(error);
  }
  if (!response.ok) {
    const problem = await readProblem(response);
    const retry = Number(response.headers.get("Retry-After"));
    const error = new ApiError(response.status, problem, Number.isFinite(retry) && retry > 0 ? retry : null);
    if (response.status === 401 && !options.anonymous) session.expire();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  if (options.text) return (await response.text()) as T;
  return (await response.json()) as T;
}

async function readProblem(response: Response): Promise<Problem | null> {
  try {
    const body = await response.json();
    return body && typeof body === "object" && "status" in body ? (body as Problem) : null;
  } catch {
    return null;
  }
}
