// Who is signed in, with sign-in and sign-out; an expired token sends the user back to sign in.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import { apiCalls } from "../api/endpoints";
import type { Actor } from "../api/types";
import { session } from "./session";

interface Auth {
  user: Actor | null;
  /** True while a new tab asks the open ones for their session (a few hundred ms at most). */
  restoring: boolean;
  /** Set when the last session ended because the token expired or was revoked. */
  expired: boolean;
  signIn: (username: string, password: string) => Promise<Actor>;
  signOut: () => Promise<void>;
  /** Replace the password; the answer's fresh token becomes the session's. */
  changePassword: (current: string, next: string) => Promise<Actor>;
  /** Activate an account with its one-time code; the answer's token starts the session. */
  activate: (username: string, code: string, password: string) => Promise<Actor>;
}

const AuthContext = createContext<Auth | null>(null);
const SSO_SIGN_OUT = "/api/v1/auth/sso/logout";

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<Actor | null>(() => session.user());
  const [expired, setExpired] = useState(false);
  const [restoring, setRestoring] = useState(() => session.user() === null);
  useEffect(() => {
    const unsubscribe = session.subscribe((reason) => {
      setUser(session.user());
      setExpired(reason === "expired");
    });
    void session.restore().then(() => {
      setUser(session.user());
      setRestoring(false);
    });
    return unsubscribe;
  }, []);
  const signIn = useCallback(async (username: string, password: string) => {
    const answer = await apiCalls.signIn(username, password);
    session.start(answer.access_token, answer.expires_at, answer.user);
    return answer.user;
  }, []);
  const signOut = useCallback(async () => {
    const central = session.signedOnCentrally();
    try {
      await apiCalls.signOut();
    } finally {
      session.end();
      // Signed in through the campus sign-on: end the session there too (it comes back here).
      if (central) window.location.assign(SSO_SIGN_OUT);
    }
  }, []);
  const changePassword = useCallback(async (current: string, next: string) => {
    const answer = await apiCalls.changePassword(current, next);
    session.start(answer.access_token, answer.expires_at, answer.user);
    return answer.user;
  }, []);
  const activate = useCallback(async (username: string, code: string, password: string) => {
    const answer = await apiCalls.activate(username, code, password);
    session.start(answer.access_token, answer.expires_at, answer.user);
    return answer.user;
  }, []);
  const value = useMemo(() => ({ user, restoring, expired, signIn, signOut, changePassword, activate }),
    [user, restoring, expired, signIn, signOut, changePassword, activate]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside AuthProvider");
  return value;
}

/** The signed-in user (pages behind RequireAuth only). */
export function useUser(): Actor {
  const { user } = useAuth();
  if (!user) throw new Error("useUser without a signed-in user");
  return user;
}

export const can = {
  start: (user: Actor) => user.role !== "auditor",
  review: (user: Actor) => user.role !== "auditor",
  administer: (user: Actor) => user.role === "admin",
  seeAllInstances: (user: Actor) => user.role === "admin" || user.role === "auditor",
  /** 证书管理: the register's keepers (workflows/certification/register.py). */
  readRegister: (user: Actor) => user.role === "admin" || user.role === "auditor"
    || ["certificate_officer", "quality_supervisor", "leading_group"].some((g) => user.groups.includes(g)),
  /** 统计报表 (workflows/certification/reports.py). */
  readReports: (user: Actor) => user.role === "admin" || user.role === "auditor"
    || ["leading_group", "quality_supervisor", "exam_admin"].some((g) => user.groups.includes(g)),
  /** 质量监督: every case of the centre, read only. */
  supervise: (user: Actor) => user.groups.includes("quality_supervisor"),
  /** 代理: staff name their own substitute, administrators anyone's (workflows/onboarding/substitutes.py). */
  nameSubstitutes: (user: Actor) => user.role === "admin" || user.role === "reviewer",
};

/** Where a user lands after signing in. */
export function homeFor(user: Actor): string {
  if (user.must_change_password) return "/password";
  if (user.role === "admin") return "/admin/definitions";
  if (user.role === "auditor") return "/audit";
  if (user.role === "applicant") return "/apply";
  return "/inbox";
}
