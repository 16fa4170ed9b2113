// The holiday calendar (节假日日历) an administrator keeps current (docs/calendar.md).
import { request } from "./client";

const V1 = "/api/v1";

export interface CalendarYear {
  year: number;
  source: "bundled" | "database" | "missing";
  revision: number | null;
  holidays: Record<string, string>;
  workdays: Record<string, string>;
  note: string;
  updated_at: string | null;
}
export interface CalendarRevision {
  revision: number;
  note: string;
  created_at: string;
  created_by_name: string | null;
  holidays: number;
  workdays: number;
  added: Record<string, string>;
  removed: Record<string, string>;
}

export const calendarCalls = {
  years: (signal?: AbortSignal) =>
    request<{ items: CalendarYear[]; version: string }>(`${V1}/calendar/years`, { signal }),
  year: (year: number, signal?: AbortSignal) => request<CalendarYear>(`${V1}/calendar/years/${year}`, { signal }),
  revisions: (year: number, signal?: AbortSignal) =>
    request<{ items: CalendarRevision[] }>(`${V1}/calendar/years/${year}/revisions`, { signal }),
  markDay: (day: string, kind: "holiday" | "workday", name: string) =>
    request<CalendarYear>(`${V1}/calendar/days/${day}`, { method: "PUT", json: { kind, name } }),
  clearDay: (day: string) => request<CalendarYear>(`${V1}/calendar/days/${day}`, { method: "DELETE" }),
};
