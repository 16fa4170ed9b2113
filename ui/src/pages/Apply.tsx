// The catalogue of processes I may start (the latest version of each).
import { Link } from "react-router";
import { apiCalls } from "../api/endpoints";
import { ErrorText, Empty, Loading } from "../components/Feedback";
import { useI18n } from "../i18n";
import { useLoad } from "../lib/hooks";

export default function Apply() {
  const { t, formatDate } = useI18n();
  const { data, error, loading, reload } = useLoad((signal) => apiCalls.definitions({}, signal), []);
  return (
    <section className="page">
      <div className="page-head">
        <h1>{t("apply.title")}</h1>
        <Link to="/cases" className="btn btn-quiet">{t("apply.myCases")}</Link>
      </div>
      <p className="muted">{t("apply.intro")}</p>
      {loading && !data && <Loading />}
      <ErrorText error={error} onRetry={reload} />
      {data && data.length === 0 && <Empty text={t("apply.none")} />}
      {data && data.length > 0 && (
        <ul className="catalogue">
          {data.map((definition) => (
            <li key={definition.process_id} className="card catalogue-item">
              <h2>{definition.name || definition.process_id}</h2>
              <p className="muted small">{t("apply.versionInfo", { version: definition.version, date: formatDate(definition.deployed_at) })}</p>
              <Link to={`/apply/${encodeURIComponent(definition.process_id)}`} className="btn btn-primary"
                aria-label={t("apply.startNamed", { name: definition.name || definition.process_id })}>
                {t("apply.start")}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
