// Providers and routes. Every screen but sign-in is its own chunk, and the diagram tools
// (bpmn-js, dmn-js) load only on the screens that draw diagrams.
import { lazy, Suspense } from "react";
import type { ReactNode } from "react";
import { BrowserRouter, Navigate, Route, Routes, useLocation } from "react-router";
import { AuthProvider, can, homeFor, useAuth } from "./auth/AuthContext";
import type { Actor } from "./api/types";
import { Layout } from "./components/Layout";
import { Loading } from "./components/Feedback";
import { NoticeProvider } from "./components/Notices";
import { I18nProvider, useI18n } from "./i18n";
import { SignIn } from "./pages/SignIn";
import { SsoComplete } from "./pages/SsoComplete";

const Inbox = lazy(() => import("./pages/Inbox"));
const Notifications = lazy(() => import("./pages/Notifications"));
const TaskPage = lazy(() => import("./pages/TaskPage"));
const Apply = lazy(() => import("./pages/Apply"));
const StartProcess = lazy(() => import("./pages/StartProcess"));
const Cases = lazy(() => import("./pages/Cases"));
const CaseDetail = lazy(() => import("./pages/CaseDetail"));
const Definitions = lazy(() => import("./pages/admin/Definitions"));
const ModelerPage = lazy(() => import("./pages/admin/ModelerPage"));
const DmnPage = lazy(() => import("./pages/admin/DmnPage"));
const ComparePage = lazy(() => import("./pages/admin/ComparePage"));
const Instances = lazy(() => import("./pages/admin/Instances"));
const Incidents = lazy(() => import("./pages/admin/Incidents"));
const AuditSearch = lazy(() => import("./pages/audit/AuditSearch"));
const AuditInstance = lazy(() => import("./pages/audit/AuditInstance"));
const VerifyCertificate = lazy(() => import("./pages/VerifyCertificate"));
const PublicNotice = lazy(() => import("./pages/PublicNotice"));
const Register = lazy(() => import("./pages/Register"));
const RegisterEntryPage = lazy(() => import("./pages/Register").then((m) => ({ default: m.RegisterEntryPage })));
const Reports = lazy(() => import("./pages/Reports"));
const Supervision = lazy(() => import("./pages/Supervision"));
const ChangePassword = lazy(() => import("./pages/ChangePassword"));
const Activate = lazy(() => import("./pages/Activate"));
const People = lazy(() => import("./pages/admin/People"));
const PersonPage = lazy(() => import("./pages/admin/PersonPage"));
const Units = lazy(() => import("./pages/admin/Units"));
const DirectoryHistory = lazy(() => import("./pages/admin/DirectoryHistory"));
const Substitutes = lazy(() => import("./pages/Substitutes"));
const CalendarPage = lazy(() => import("./pages/admin/Calendar"));
const ImportPeople = lazy(() => import("./pages/admin/ImportPeople"));
const Rollover = lazy(() => import("./pages/admin/Rollover"));
const AttendanceHome = lazy(() => import("./pages/attendance/AttendanceHome"));
const ClassAttendance = lazy(() => import("./pages/attendance/ClassAttendance"));
const TakeAttendance = lazy(() => import("./pages/attendance/TakeAttendance"));
const Timetable = lazy(() => import("./pages/attendance/Timetable"));

function RequireAuth({ children, allow }: { children: ReactNode; allow?: (user: Actor) => boolean }) {
  const { user, restoring } = useAuth();
  const location = useLocation();
  if (!user && restoring) return <Loading />;
  if (!user) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/signin?next=${next}`} replace />;
  }
  if (user.must_change_password) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/password?next=${next}`} replace />;
  }
  if (allow && !allow(user)) return <NotAllowed />;
  return <>{children}</>;
}

function NotAllowed() {
  const { t } = useI18n();
  return (
    <section className="page">
      <h1>{t("error.pageNotAllowedTitle")}</h1>
      <p>{t("error.pageNotAllowed")}</p>
    </section>
  );
}

function NotFoundPage() {
  const { t } = useI18n();
  return (
    <section className="page">
      <h1>{t("error.pageNotFoundTitle")}</h1>
      <p>{t("error.pageNotFound")}</p>
    </section>
  );
}

function Home() {
  const { user, restoring } = useAuth();
  if (!user && restoring) return <Loading />;
  return <Navigate to={user ? homeFor(user) : "/signin"} replace />;
}

const isAdmin = (user: Actor) => user.role === "admin";
const seesAll = (user: Actor) => user.role === "admin" || user.role === "auditor";
const notAuditor = (user: Actor) => user.role !== "auditor";

export function App() {
  return (
    <I18nProvider>
      <NoticeProvider>
        <AuthProvider>
          <BrowserRouter>
            <Suspense fallback={<Loading />}>
              <Routes>
                <Route element={<Layout />}>
                  <Route path="/" element={<Home />} />
                  <Route path="/signin" element={<SignIn />} />
                  <Route path="/sso" element={<SsoComplete />} />
                  <Route path="/verify" element={<VerifyCertificate />} />
                  <Route path="/notice" element={<PublicNotice />} />
                  <Route path="/certificates/verify" element={<VerifyCertificate />} />
                  <Route path="/certificates" element={<RequireAuth allow={can.readRegister}><Register /></RequireAuth>} />
                  <Route path="/certificates/:certificateNo" element={<RequireAuth allow={can.readRegister}><RegisterEntryPage /></RequireAuth>} />
                  <Route path="/reports" element={<RequireAuth allow={can.readReports}><Reports /></RequireAuth>} />
                  <Route path="/supervision" element={<RequireAuth allow={can.supervise}><Supervision /></RequireAuth>} />
                  <Route path="/inbox" element={<RequireAuth allow={notAuditor}><Inbox /></RequireAuth>} />
                  <Route path="/inbox/:taskId" element={<RequireAuth allow={notAuditor}><TaskPage /></RequireAuth>} />
                  <Route path="/apply" element={<RequireAuth allow={notAuditor}><Apply /></RequireAuth>} />
                  <Route path="/apply/:processId" element={<RequireAuth allow={notAuditor}><StartProcess /></RequireAuth>} />
                  <Route path="/cases" element={<RequireAuth><Cases /></RequireAuth>} />
                  <Route path="/cases/:instanceId" element={<RequireAuth><CaseDetail /></RequireAuth>} />
                  <Route path="/instances" element={<RequireAuth allow={seesAll}><Instances /></RequireAuth>} />
                  <Route path="/audit" element={<RequireAuth allow={seesAll}><AuditSearch /></RequireAuth>} />
                  <Route path="/audit/instances/:instanceId" element={<RequireAuth allow={seesAll}><AuditInstance /></RequireAuth>} />
                  <Route path="/admin/definitions" element={<RequireAuth allow={isAdmin}><Definitions /></RequireAuth>} />
                  <Route path="/admin/people" element={<RequireAuth allow={isAdmin}><People /></RequireAuth>} />
                  <Route path="/admin/people/:personId" element={<RequireAuth allow={isAdmin}><PersonPage /></RequireAuth>} />
                  <Route path="/admin/units" element={<RequireAuth allow={isAdmin}><Units /></RequireAuth>} />
                  <Route path="/directory/history" element={<RequireAuth allow={seesAll}><DirectoryHistory /></RequireAuth>} />
                  <Route path="/substitutes" element={<RequireAuth allow={can.nameSubstitutes}><Substitutes /></RequireAuth>} />
                  <Route path="/admin/calendar" element={<RequireAuth allow={isAdmin}><CalendarPage /></RequireAuth>} />
                  <Route path="/admin/import" element={<RequireAuth allow={isAdmin}><ImportPeople /></RequireAuth>} />
                  <Route path="/admin/rollover" element={<RequireAuth allow={isAdmin}><Rollover /></RequireAuth>} />
                  <Route path="/admin/incidents" element={<RequireAuth allow={isAdmin}><Incidents /></RequireAuth>} />
                  <Route path="/admin/definitions/new" element={<RequireAuth allow={isAdmin}><ModelerPage /></RequireAuth>} />
                  <Route path="/admin/definitions/:processId/versions/:version/model" element={<RequireAuth allow={isAdmin}><ModelerPage /></RequireAuth>} />
                  <Route path="/admin/definitions/:processId/versions/:version/dmn/:file" element={<RequireAuth allow={isAdmin}><DmnPage /></RequireAuth>} />
                  <Route path="/admin/definitions/:processId/compare" element={<RequireAuth allow={isAdmin}><ComparePage /></RequireAuth>} />
                  <Route path="/password" element={<ChangePassword />} />
                  <Route path="/activate" element={<Activate />} />
                  <Route path="/attendance" element={<RequireAuth allow={notAuditor}><AttendanceHome /></RequireAuth>} />
                  <Route path="/attendance/classes/:unitId" element={<RequireAuth allow={notAuditor}><ClassAttendance /></RequireAuth>} />
                  <Route path="/attendance/classes/:unitId/timetable" element={<RequireAuth allow={notAuditor}><Timetable /></RequireAuth>} />
                  <Route path="/attendance/sessions/:sessionId" element={<RequireAuth allow={notAuditor}><TakeAttendance /></RequireAuth>} />
                  <Route path="/notifications" element={<RequireAuth><Notifications /></RequireAuth>} />
                  <Route path="*" element={<NotFoundPage />} />
                </Route>
              </Routes>
            </Suspense>
          </BrowserRouter>
        </AuthProvider>
      </NoticeProvider>
    </I18nProvider>
  );
}
