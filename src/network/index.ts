/** The connector contract: everything a network connector and the core agree on. */
export * from "./ids.js";
export * from "./formatted-text.js";
export * from "./content.js";
export * from "./events.js";
export * from "./capabilities.js";
export * from "./login.js";
export * from "./errors.js";
export * from "./connector.js";
