import { initial } from "./0001-initial.js";
import { bridging } from "./0002-bridging.js";
import { outbox } from "./0003-outbox.js";
import { gateway } from "./0004-gateway.js";
import { portalLinks } from "./0005-portal-links.js";
import { bridgeSecrets } from "./0006-bridge-secrets.js";
import { assertContiguous, type Migration } from "./migration.js";

export { assertContiguous, type Migration } from "./migration.js";

/** Every migration this crosschat knows, in order. Append new ones; never reorder or edit. */
export const MIGRATIONS: readonly Migration[] = assertContiguous([initial, bridging, outbox, gateway, portalLinks, bridgeSecrets]);
