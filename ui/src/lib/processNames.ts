// Process id -> display name (the deployed BPMN's name), loaded once per page.
import { useEffect, useState } from "react";
import { apiCalls } from "../api/endpoints";
import type { Definition } from "../api/types";

export function useDefinitions(): { definitions: Definition[]; error: unknown } {
  const [state, setState] = useState<{ definitions: Definition[]; error: unknown }>({ definitions: [], error: null });
  useEffect(() => {
    const controller = new AbortController();
    apiCalls.definitions({}, controller.signal).then(
      (definitions) => setState({ definitions, error: null }),
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ definitions: [], error });
      },
    );
    return () => controller.abort();
  }, []);
  return state;
}

export function nameOf(definitions: Definition[], processId: string): string {
  return definitions.find((d) => d.process_id === processId)?.name || processId;
}
