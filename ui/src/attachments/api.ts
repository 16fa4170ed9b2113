// Attachments over HTTP: uploads go through XMLHttpRequest (fetch reports no upload progress);
// files are read back with the bearer token into blobs, so previews never need a cookie or a
// guessable URL.
import { ApiError, NetworkError, request } from "../api/client";
import type { Problem } from "../api/types";
import { session } from "../auth/session";
import { acceptLanguage } from "../i18n";

export interface AttachmentInfo {
  id: string;
  filename: string;
  media_type: string;
  size: number;
  sha256: string;
  uploaded_at: string;
  attached: boolean;
}

function problemOf(body: unknown): Problem | null {
  return body && typeof body === "object" && "status" in body ? (body as Problem) : null;
}

export function uploadAttachment(file: File, onProgress: (fraction: number) => void,
  signal?: AbortSignal): Promise<AttachmentInfo> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/attachments");
    xhr.setRequestHeader("Accept", "application/json, application/problem+json");
    xhr.setRequestHeader("Accept-Language", acceptLanguage());
    const token = session.token();
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON: reported by status below */
      }
      if (xhr.status === 201) {
        resolve(body as AttachmentInfo);
        return;
      }
      if (xhr.status === 401) session.expire();
      reject(new ApiError(xhr.status, problemOf(body), null));
    };
    xhr.onerror = () => reject(new NetworkError(new Error("upload failed")));
    xhr.onabort = () => reject(new DOMException("upload cancelled", "AbortError"));
    signal?.addEventListener("abort", () => xhr.abort());
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}

export function describeAttachment(id: string, signal?: AbortSignal): Promise<AttachmentInfo> {
  return request<AttachmentInfo>(`/api/v1/attachments/${encodeURIComponent(id)}`, { signal });
}

export function caseAttachments(instanceId: number, signal?: AbortSignal): Promise<AttachmentInfo[]> {
  return request<AttachmentInfo[]>("/api/v1/attachments", { query: { instance_id: instanceId }, signal });
}

export async function attachmentBlob(id: string, signal?: AbortSignal): Promise<Blob> {
  const token = session.token();
  let response: Response;
  try {
    response = await fetch(`/api/v1/attachments/${encodeURIComponent(id)}/content`, {
      headers: { "Accept-Language": acceptLanguage(), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new NetworkError(error);
  }
  if (!response.ok) {
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      /* no problem document */
    }
    throw new ApiError(response.status, problemOf(body), null);
  }
  return response.blob();
}

/** What the browser may offer for a field that accepts these media types. */
export function acceptFor(types: string[]): string {
  const extensions: Record<string, string> = {
    "application/pdf": ".pdf,application/pdf",
    "image/jpeg": ".jpg,.jpeg,image/jpeg",
    "image/png": ".png,image/png",
    "application/ofd": ".ofd",
  };
  return types.map((type) => extensions[type] ?? type).join(",");
}

/** A size as people read it: 386 B, 12 KB, 1.5 MB. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
