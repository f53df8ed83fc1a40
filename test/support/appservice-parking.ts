/**
 * Between integration tests nothing serves the appservice port, and Synapse backs off from an
 * appservice it cannot reach (2 s, 4 s, 8 s, ... per failed try): a few tests in, the next one
 * would wait half a minute for its first event. So after each test a stand-in takes the port
 * and accepts (and drops) whatever Synapse still pushes for the finished test, keeping Synapse's
 * view of the appservice healthy; before each test, and after a file's last, the stand-in steps
 * aside. Within a test (a daemon killed and restarted) nothing stands in: that is what those
 * tests are about.
 *
 * Loaded for the integration project through jest's setupFilesAfterEnv.
 */
import { afterAll, afterEach, beforeEach } from "@jest/globals";
import { createServer, type Server } from "node:http";

interface Parking {
  server?: Server;
  timer?: NodeJS.Timeout;
  /** Bumped by every unpark, so an attempt still under way knows it is no longer wanted. */
  generation: number;
  /** The listen in progress, which unpark waits out so the port is free when it returns. */
  pending?: Promise<void>;
}

// Each test file runs in its own context, so each parks for itself and steps aside when done.
const parking: Parking = { generation: 0 };

function port(): number | undefined {
  const value = Number(process.env["CROSSCHAT_TEST_AS_PORT"]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Tries to take the port until the test's daemon has let go of it. */
function park(): void {
  const asPort = port();
  if (asPort === undefined || parking.server || parking.timer) return;
  const generation = parking.generation;
  const attempt = () => {
    parking.timer = undefined;
    if (generation !== parking.generation) return;
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    parking.pending = new Promise<void>((settle) => {
      server.once("error", () => {
        settle();
        if (generation !== parking.generation) return;
        parking.timer = setTimeout(attempt, 50);
        parking.timer.unref();
      });
      server.listen(asPort, "127.0.0.1", () => {
        server.unref();
        if (generation !== parking.generation) server.close(() => settle());
        else {
          parking.server = server;
          settle();
        }
      });
    });
  };
  attempt();
}

async function unpark(): Promise<void> {
  parking.generation += 1;
  clearTimeout(parking.timer);
  parking.timer = undefined;
  await parking.pending;
  const server = parking.server;
  parking.server = undefined;
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

beforeEach(unpark);
afterEach(park);
afterAll(unpark);
