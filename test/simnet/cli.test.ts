/**
 * `crosschat simnet` as a person uses it from a shell: run a network, create two accounts, log in
 * as each (answering the code prompt when the network asks for one), open a chat, send, read the
 * history, and restart the network without losing the conversation.
 */
import { afterAll, describe, expect, it } from "@jest/globals";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { AgentChat, AgentMessage, CreatedAccount } from "../../src/simnet/client/agent.js";
import type { SimnetNetworkId } from "../../src/simnet/core/network.js";
import { SIMNET_INTEROP_KITS, SIMNET_NETWORKS } from "../../src/simnet/networks.js";
import { runCli, spawnCli, type Outcome } from "../support/cli.js";

const ADMIN = "simnet-cli-admin-token";
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  children.forEach((child) => child.kill("SIGKILL"));
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

function startNetwork(network: SimnetNetworkId, data: string, port = 0): Promise<{ child: ChildProcess; url: string }> {
  const child = spawnCli(["simnet", "run", "--network", network, "--data", data, `--${network}-port`, String(port), "--admin-token", ADMIN]);
  children.push(child);
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const match = /^simnet \w+ (http:\/\/\S+)$/.exec(line);
      if (match) resolve({ child, url: match[1]! });
    });
    child.once("exit", (code) => reject(new Error(`simnet exited with ${code}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

/** A network run from the shell in a fresh data folder, with the options every command takes. */
async function shellNetwork(network: SimnetNetworkId) {
  const data = mkdtempSync(join(tmpdir(), `simnet-cli-${network}-`));
  dirs.push(data);
  const server = await startNetwork(network, data);
  const common = ["--data", data, "--url", server.url];
  return { data, server, common, admin: [...common, "--admin-token", ADMIN] };
}

/** Logs `account` in as `persona`, answering a code prompt with the code the admin API shows. */
async function shellLogin(network: SimnetNetworkId, persona: string, account: CreatedAccount, common: string[], admin: string[]): Promise<Outcome> {
  const args = ["simnet", "user", network, "login", account.handle, "--as", persona, ...common];
  if (account.password) args.push("--password", account.password);
  return runCli(args, async (prompt) => (prompt.trim().length > 0 ? (await runCli(["simnet", "code", network, account.handle, ...admin])).stdout.trim() : undefined));
}

function json<T>(outcome: Outcome): T {
  if (outcome.code !== 0) throw new Error(`command failed (${outcome.code}): ${outcome.stderr}`);
  return JSON.parse(outcome.stdout) as T;
}

describe.each(SIMNET_NETWORKS.map((network) => [network]))("crosschat simnet with %s", (network: SimnetNetworkId) => {
  it("lets two people chat from the shell, and keeps the chat across a restart", async () => {
    const shell = await shellNetwork(network);
    const { data, common, admin } = shell;
    let server = shell.server;

    const created = async (name: string) => json<CreatedAccount>(await runCli(["simnet", "create-account", network, "--name", name, ...admin]));
    const alice = await created("Alice Shell");
    const bob = await created("Bob Shell");

    const login = async (persona: string, account: CreatedAccount) => {
      // A network that asks for a code (SMS, 2FA, checkpoint) gets the one the admin API shows.
      const outcome = await shellLogin(network, persona, account, common, admin);
      expect(outcome.stderr).not.toContain("crosschat:");
      expect(outcome.code).toBe(0);
    };
    await login("alice", alice);
    await login("bob", bob);

    const as = (persona: string, ...args: string[]) => runCli(["simnet", "user", network, ...args, "--as", persona, ...common]);
    const chat = json<AgentChat>(await as("bob", "start-chat", alice.handle));
    const sent = json<AgentMessage>(await as("bob", "send", chat.id, "hello from a shell"));
    expect(sent.text).toBe("hello from a shell");

    const aliceChats = json<AgentChat[]>(await as("alice", "chats"));
    expect(aliceChats).toHaveLength(1);
    const history = () => as("alice", "history", aliceChats[0]!.id).then((o) => json<AgentMessage[]>(o));
    expect((await history()).map((m) => m.text)).toEqual(["hello from a shell"]);

    expect(await stop(server.child)).toBe(0);
    server = await startNetwork(network, data, Number(new URL(server.url).port));
    expect((await history()).map((m) => m.text)).toEqual(["hello from a shell"]);

    const unknown = await as("alice", "sing");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown verb 'sing'");
    await stop(server.child);
  }, 60_000);

  it("turns third-party chats on, finds a contact a provider published and chats with it, from the shell", async () => {
    const { server, common, admin } = await shellNetwork(network);
    const alice = json<CreatedAccount>(await runCli(["simnet", "create-account", network, "--name", "Alice Shell", ...admin]));
    expect((await shellLogin(network, "alice", alice, common, admin)).code).toBe(0);
    const as = (...verb: string[]) => runCli(["simnet", "user", network, ...verb, "--as", "alice", ...common]);

    const kit = SIMNET_INTEROP_KITS[network];
    const provider = await kit.connect(server.url, await kit.registerProvider(server.url, ADMIN, "crosschat"));
    try {
      await provider.publishIdentity({ id: "mx.sam", name: "Sam Matrix", network: "matrix", handle: "sam" });
      const offSearch = await as("search-third-party", "sam");
      expect(offSearch.code).toBe(1);
      expect(json<{ third_party_chats: string }>(await as("third-party", "on"))).toEqual({ third_party_chats: "on" });
      const found = json<{ id: string; name: string; network: string; provider: string }[]>(await as("search-third-party", "sam"));
      expect(found).toEqual([expect.objectContaining({ id: "mx.sam", name: "Sam Matrix", network: "matrix" })]);
      const chat = json<{ id: string }>(await as("start-third-party", `${found[0]!.provider}:mx.sam`));
      json(await as("send", chat.id, "hi Sam"));
      const bad = await as("start-third-party", "no-colon");
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("expected <provider>:<id>");
    } finally {
      await provider.close();
      await stop(server.child);
    }
  }, 60_000);

  it("says to log in first when there is no saved session", async () => {
    const data = mkdtempSync(join(tmpdir(), `simnet-cli-${network}-`));
    dirs.push(data);
    const outcome = await runCli(["simnet", "user", network, "chats", "--data", data]);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain(`not logged in: run 'crosschat simnet user ${network} login <handle>' first`);
  });
});
