// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import type { AppNotification } from "../api/types";
import { lastSeen, markSeen, unreadCount } from "./notifications";

const item = (id: number, at: string): AppNotification => ({
  id, kind: "reminder", subject: `s${id}`, body: "", created_at: at, instance_id: null, task_name: null,
  recipient_user_id: 1, recipient_group: null,
});

describe("unread notifications", () => {
  it("counts what arrived after the newest one seen", () => {
    const items = [item(2, "2026-12-07T10:00:00Z"), item(1, "2026-12-06T10:00:00Z")];
    expect(unreadCount(items, null)).toBe(2);
    markSeen(7, items.slice(1));
    expect(lastSeen(7)).toBe("2026-12-06T10:00:00Z");
    expect(unreadCount(items, lastSeen(7))).toBe(1);
    markSeen(7, items);
    expect(unreadCount(items, lastSeen(7))).toBe(0);
  });
});
