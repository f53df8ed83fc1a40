/**
 * Free loopback ports for things the dev environment and the tests start (Synapse, the
 * appservice listener), so that parallel runs and leftovers from earlier runs never collide.
 */
import { createServer } from "node:net";

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now. The kernel picks it (listen on
 * port 0), then the probe socket is closed again; there is a small window in which another
 * process could take it, which is acceptable for a dev and test environment.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("could not read the port of a loopback probe socket"));
        return;
      }
      const { port } = address;
      server.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}
