// The signed-in user's token, kept in sessionStorage: it dies with the browser session, so a
// shared classroom computer does not stay signed in. Tabs share it over a BroadcastChannel
// (a new tab asks the open ones), and sign-out in one tab signs out all of them.
import type { Actor } from "../api/types";

const KEY = "certflow.session";
const CHANNEL = "certflow.session";
/** How long a new tab waits for an open tab to hand over the session. */
export const HANDOVER_MS = 150;

interface Stored {
  token: string;
  expiresAt: string;
  user: Actor;
  /** Signed in through the campus sign-on (统一身份认证): sign out there too. */
  sso?: boolean;
}

type Reason = "signed-in" | "signed-out" | "expired";
type Listener = (reason: Reason) => void;
type Message = { type: "ask" } | { type: "share"; session: Stored } | { type: "end"; reason: Reason };

const listeners = new Set<Listener>();
const channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel(CHANNEL);

function read(): Stored | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const stored = JSON.parse(raw) as Stored;
    if (Date.parse(stored.expiresAt) <= Date.now()) {
      sessionStorage.removeItem(KEY);
      return null;
    }
    return stored;
  } catch {
    return null;
  }
}

function write(stored: Stored): void {
  sessionStorage.setItem(KEY, JSON.stringify(stored));
}

function emit(reason: Reason): void {
  for (const listener of listeners) listener(reason);
}

channel?.addEventListener("message", (event: MessageEvent<Message>) => {
  const message = event.data;
  if (message.type === "ask") {
    const stored = read();
    if (stored) channel.postMessage({ type: "share", session: stored } satisfies Message);
  } else if (message.type === "share" && !read() && Date.parse(message.session.expiresAt) > Date.now()) {
    write(message.session);
    emit("signed-in");
  } else if (message.type === "end" && read()) {
    sessionStorage.removeItem(KEY);
    emit(message.reason);
  }
});

function end(reason: Reason): void {
  sessionStorage.removeItem(KEY);
  channel?.postMessage({ type: "end", reason } satisfies Message);
  emit(reason);
}

export const session = {
  token(): string | null {
    return read()?.token ?? null;
  },
  user(): Actor | null {
    return read()?.user ?? null;
  },
  start(token: string, expiresAt: string, user: Actor, sso = false): void {
    write({ token, expiresAt, user, ...(sso ? { sso } : {}) });
    emit("signed-in");
  },
  signedOnCentrally(): boolean {
    return read()?.sso === true;
  },
  end(): void {
    end("signed-out");
  },
  /** The API answered 401: the token expired or was revoked. */
  expire(): void {
    if (read()) end("expired");
  },
  /** Ask other open tabs for their session; resolves when one answers or after a short wait. */
  restore(): Promise<void> {
    if (read() || !channel) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        listeners.delete(onSignedIn);
        resolve();
      };
      const onSignedIn: Listener = (reason) => {
        if (reason === "signed-in") done();
      };
      listeners.add(onSignedIn);
      channel.postMessage({ type: "ask" } satisfies Message);
      window.setTimeout(done, HANDOVER_MS);
    });
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
