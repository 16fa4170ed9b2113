// The organisation tree, substitutes (代理) and the directory's history (docs/onboarding.md).
import { request } from "./client";

const V1 = "/api/v1";

export interface UnitNode {
  id: number;
  code: string;
  name: string;
  kind: string;
  kind_name: string;
  active: boolean;
  children: UnitNode[];
}
export interface AdminUnit { id: number; code: string; name: string; kind: string; kind_name: string; parent_id: number | null; active: boolean }
export interface Substitution {
  id: number;
  person_id: number;
  person: string;
  substitute_person_id: number;
  substitute: string;
  valid_from: string;
  valid_to: string;
  current: boolean;
  may_end: boolean;
}
export interface DirectoryPerson { id: number; name: string; number: string | null; status_name: string }
export interface DirectoryChange {
  seq: number;
  at: string;
  kind: string;
  kind_name: string;
  actor_id: number | null;
  actor_name: string | null;
  subject_type: string;
  subject_id: number;
  subject_name: string | null;
  import_id: number | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}
export interface DirectoryHistory { intact: boolean; broken_at_seq: number | null; total: number; changes: DirectoryChange[] }

/** Every unit of a tree, parents first, with its depth (for pickers and indentation). */
export function flatten(nodes: UnitNode[], depth = 0): { unit: UnitNode; depth: number }[] {
  return nodes.flatMap((unit) => [{ unit, depth }, ...flatten(unit.children, depth + 1)]);
}

export const directoryCalls = {
  tree: (includeInactive: boolean, signal?: AbortSignal) =>
    request<UnitNode[]>(`${V1}/directory/units`, { query: { include_inactive: includeInactive }, signal }),
  people: (q: string, signal?: AbortSignal) =>
    request<DirectoryPerson[]>(`${V1}/directory/people`, { query: { q, limit: 20 }, signal }),
  createUnit: (body: { kind: string; code: string; name: string; parent_id: number }) =>
    request<AdminUnit>(`${V1}/admin/units`, { json: body }),
  editUnit: (id: number, body: { code?: string; name?: string }) =>
    request<AdminUnit>(`${V1}/admin/units/${id}`, { method: "PATCH", json: body }),
  moveUnit: (id: number, parentId: number) =>
    request<AdminUnit>(`${V1}/admin/units/${id}/move`, { json: { parent_id: parentId } }),
  deactivateUnit: (id: number) => request<AdminUnit>(`${V1}/admin/units/${id}/deactivate`, { method: "POST" }),
  substitutes: (signal?: AbortSignal) => request<Substitution[]>(`${V1}/directory/substitutes`, { signal }),
  nameSubstitute: (body: { person_id?: number; substitute_person_id: number; valid_from: string; valid_to: string }) =>
    request<{ id: number }>(`${V1}/directory/substitutes`, { json: body }),
  endSubstitute: (id: number) => request<void>(`${V1}/directory/substitutes/${id}/end`, { method: "POST" }),
  history: (personId: number | null, signal?: AbortSignal) =>
    request<DirectoryHistory>(`${V1}/directory/history`, { query: { person_id: personId ?? undefined, limit: 200 }, signal }),
};
