// Catches what a screen throws while rendering, chiefly a screen's code chunk failing to
// download (network gone, or a new deployment replaced the files): the user sees why and can
// reload, instead of a blank page.
import { Component } from "react";
import type { ReactNode } from "react";
import { useI18n } from "../i18n";

interface Props {
  children: ReactNode;
}

export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  render() {
    return this.state.error ? <ScreenFailed error={this.state.error} /> : this.props.children;
  }
}

function ScreenFailed({ error }: { error: Error }) {
  const { t } = useI18n();
  const chunk = /dynamically imported module|Importing a module script failed|Failed to fetch/i.test(error.message);
  return (
    <section className="page">
      <div className="error-box" role="alert">
        <p>{chunk ? t("error.chunk") : t("error.screen", { detail: error.message })}</p>
        <button type="button" className="btn btn-small" onClick={() => window.location.reload()}>{t("action.reload")}</button>
      </div>
    </section>
  );
}
