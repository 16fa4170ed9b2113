// One download button's state, the same on every page that hands the reader a file: busy while
// the file is fetched (the API needs the bearer token, so a plain link cannot), the name it was
// saved under, or the error to show.
import { useState } from "react";
import { saveFile } from "./saveFile";

export interface DownloadedFile {
  blob: Blob;
  filename: string;
}

export function useDownload() {
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  // Any file action (a download, opening a PDF to print) under the same busy and error state;
  // it answers the name of the file it saved, or null.
  const run = async (action: () => Promise<string | null>) => {
    setBusy(true);
    setSaved(null);
    setError(null);
    try {
      setSaved(await action());
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const download = (get: () => Promise<DownloadedFile>) =>
    run(async () => {
      const { blob, filename } = await get();
      saveFile(blob, filename);
      return filename;
    });
  return { busy, saved, error, run, download };
}
