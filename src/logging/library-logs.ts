/**
 * matrix-appservice-bridge (and the matrix-bot-sdk under it) log through a winston instance of
 * their own. Configuring it with no console output and adding one transport that forwards each
 * entry into our root logger gives one stream, one format and the same secret redaction.
 */
import { Logger as BridgeLogger } from "matrix-appservice-bridge";
import Transport from "winston-transport";
import type { Logger } from "./logger.js";

interface LibraryEntry {
  level: string;
  module?: string;
  requestId?: string;
  data?: unknown[];
  message?: unknown;
}

class ForwardingTransport extends Transport {
  constructor(private readonly target: Logger) {
    super();
  }

  override log(info: LibraryEntry, next: () => void): void {
    const parts = info.data ?? [info.message];
    const message = BridgeLogger.formatLogEntryPartArray(...parts);
    const level = info.level === "verbose" || info.level === "silly" ? "debug" : info.level;
    this.target.log(level, message, {
      module: `lib.${info.module ?? "bridge"}`,
      ...(info.requestId ? { requestId: info.requestId } : {}),
    });
    next();
  }
}

let forwarding: ForwardingTransport | undefined;

/** Points the library's logs at `target`; calling again re-points them (one app at a time). */
export function routeLibraryLogs(target: Logger): void {
  if (!BridgeLogger.root.configured) {
    // Configured with no transports; ours is added right below. The one line the library
    // logs while configuring would otherwise make winston warn about that.
    BridgeLogger.configure({ console: "error" });
    BridgeLogger.root.winston?.clear();
  }
  const libraryWinston = BridgeLogger.root.winston;
  if (!libraryWinston) return;
  if (forwarding) libraryWinston.remove(forwarding);
  forwarding = new ForwardingTransport(target);
  libraryWinston.add(forwarding);
  // The library's own logger filters before transports see anything.
  libraryWinston.level = target.level;
}
