import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // A bot a test starts without naming its state keeps it in memory: never the user's
    // ~/.local/state, and never shared between tests running side by side.
    env: { MISSIONCTL_STATE: ":memory:" },
  },
});
