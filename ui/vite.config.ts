import { defineConfig } from "vite";

// Served by the .NET server from ui/dist; relative base so it works under any path.
export default defineConfig({
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 600 },
  test: { environment: "node", include: ["test/**/*.test.ts"] },
});
