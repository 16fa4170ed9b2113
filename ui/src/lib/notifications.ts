// Which notifications are new to me: the newest one I have seen is remembered in this browser
// (per user), so the top bar can say how many arrived since.
import type { AppNotification } from "../api/types";

export const SEEN_EVENT = "certflow:notifications-seen";

function key(userId: number): string {
  return `certflow.notifications.seen.${userId}`;
}

export function lastSeen(userId: number): string | null {
  try {
    return localStorage.getItem(key(userId));
  } catch {
    return null;
  }
}

/** Remember the newest of `items` as seen, and tell the top bar. */
export function markSeen(userId: number, items: AppNotification[]): void {
  const newest = items.reduce<string | null>((latest, item) =>
    !latest || Date.parse(item.created_at) > Date.parse(latest) ? item.created_at : latest, lastSeen(userId));
  if (!newest) return;
  try {
    localStorage.setItem(key(userId), newest);
  } catch {
    /* not remembered; the count stays until storage works */
  }
  window.dispatchEvent(new Event(SEEN_EVENT));
}

/** How many of `items` arrived after the last one seen. */
export function unreadCount(items: AppNotification[], seen: string | null): number {
  const seenAt = seen ? Date.parse(seen) : Number.NEGATIVE_INFINITY;
  return items.filter((item) => Date.parse(item.created_at) > seenAt).length;
}
