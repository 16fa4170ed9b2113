// Data loading with cancellation, and polling that pauses while the tab is hidden.
import { useCallback, useEffect, useRef, useState } from "react";

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Run `load` when `deps` change; aborts the previous run. Errors are kept for the UI to show. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error: unknown; loading: boolean }>({
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState((previous) => ({ ...previous, loading: true }));
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, error: null, loading: false });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState((previous) => ({ ...previous, error, loading: false }));
      },
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/**
 * Call `poll` now and then every `intervalMs` after each call settles; stops while the page is
 * hidden and polls at once when it becomes visible again.
 */
export function usePolling(poll: (signal: AbortSignal) => Promise<void>, intervalMs: number, deps: unknown[]): () => void {
  const pollRef = useRef(poll);
  pollRef.current = poll;
  const [kick, setKick] = useState(0);
  useEffect(() => {
    let timer: number | undefined;
    let controller: AbortController | null = null;
    let stopped = false;
    const run = async () => {
      window.clearTimeout(timer);
      if (stopped || document.visibilityState === "hidden") return;
      controller?.abort();
      controller = new AbortController();
      try {
        await pollRef.current(controller.signal);
      } catch {
        /* the poll function shows its own errors */
      } finally {
        if (!stopped) timer = window.setTimeout(run, intervalMs);
      }
    };
    const onVisibility = () => {
      if (document.visibilityState === "visible") void run();
    };
    document.addEventListener("visibilitychange", onVisibility);
    void run();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      controller?.abort();
      document.removeEventListener("visibilitychange", onVisibility);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [intervalMs, kick, ...deps]);
  return useCallback(() => setKick((n) => n + 1), []);
}

/** Is this an AbortError from a cancelled request (not worth showing)? */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}
