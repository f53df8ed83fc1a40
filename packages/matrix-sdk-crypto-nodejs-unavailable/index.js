"use strict";
// matrix-appservice-bridge's bot-sdk requires this module when it loads, but only calls into it
// on its own encryption paths, which crosschat never enables. The real package downloads a
// native binary from GitHub during install, which fails on machines without that access, so
// package.json "overrides" points the name here. Reading any export fails loudly instead of
// failing later in an obscure way.
const message =
  "@matrix-org/matrix-sdk-crypto-nodejs is not installed: crosschat replaces it with a stand-in " +
  "(packages/matrix-sdk-crypto-nodejs-unavailable). Matrix-side encryption must use " +
  "@matrix-org/matrix-sdk-crypto-wasm instead.";

module.exports = new Proxy(
  {},
  {
    get(_target, property) {
      // Module loaders and transpiler helpers probe these; answering keeps `require` harmless.
      if (property === "__esModule" || property === "then" || typeof property === "symbol") {
        return undefined;
      }
      throw new Error(`${message} (tried to use '${String(property)}')`);
    },
  },
);
