// Jest runs the TypeScript sources through ts-jest in ESM mode, because matrix-js-sdk (the real
// Matrix client the integration tests act through) is published as ESM only.
const common = {
  preset: "ts-jest/presets/default-esm",
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: { "^.+\\.ts$": ["ts-jest", { useESM: true, tsconfig: "tsconfig.json" }] },
};

export default {
  reporters: ["default", "<rootDir>/test/support/summary-reporter.mjs"],
  // Integration tests wait on a real homeserver; jest allows a project no timeout of its own.
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: ["<rootDir>/test/unit/**/*.test.ts"],
    },
    {
      ...common,
      // The simulated networks over loopback: real servers and sockets, no homeserver needed.
      displayName: "simnet",
      testMatch: ["<rootDir>/test/simnet/**/*.test.ts"],
    },
    {
      ...common,
      // Connectors against the real simulated networks over loopback, no homeserver needed.
      displayName: "connectors",
      testMatch: ["<rootDir>/test/connectors/**/*.test.ts"],
    },
    {
      ...common,
      displayName: "integration",
      testMatch: ["<rootDir>/test/integration/**/*.test.ts"],
      // One Synapse for the whole run: starting it takes seconds, a test needs milliseconds.
      globalSetup: "<rootDir>/test/support/synapse-global-setup.mjs",
      // Keeps Synapse from backing off from the appservice port between tests.
      setupFilesAfterEnv: ["<rootDir>/test/support/appservice-parking.ts"],
      globalTeardown: "<rootDir>/test/support/synapse-global-teardown.mjs",
    },
  ],
};
