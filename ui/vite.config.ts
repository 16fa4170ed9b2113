import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The API runs on Flask (default 127.0.0.1:5000); `npm run dev` proxies /api to it so the
// dev server behaves like the same-origin production setup.
const apiTarget = process.env.CERTFLOW_API ?? "http://127.0.0.1:5000";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    manifest: true, // scripts/bundle-size.mjs reads the chunk graph from it
    chunkSizeWarningLimit: 1500,
  },
  server: { proxy: { "/api": apiTarget } },
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
    environment: "node",
  },
});
