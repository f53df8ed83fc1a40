import { describe, expect, it } from "@jest/globals";
import type { BridgeCore } from "../../../../src/core/bridge.js";
import type { Reply } from "../../../../src/matrix/bot/commands.js";
import { LoginConversations } from "../../../../src/matrix/bot/login-conversation.js";
import type { LoginFlow, LoginStep, NewLogin } from "../../../../src/network/index.js";
import { capturingLogger } from "../../storage/helpers.js";

/** A Messenger-like flow: email and password, then a 2FA code that is wrong once. */
function passwordFlow(submitted: Record<string, string>[]): LoginFlow {
  const credentials: LoginStep = { type: "input", instructions: "Log in to Messenger.", fields: [{ id: "email", label: "your email" }, { id: "password", label: "your password", secret: true }] };
  const code = (error?: string): LoginStep => ({ type: "input", instructions: "Enter the code.", fields: [{ id: "code", label: "the 6-digit code", secret: true }], ...(error ? { error } : {}) });
  return {
    start: async () => credentials,
    async submit(values) {
      submitted.push(values);
      if ("email" in values) return code();
      if (values["code"] !== "123456") return code("That code is wrong.");
      return { type: "done", login: { remoteUserId: "100", remoteName: "Alice A", session: {} } };
    },
    wait: async () => ({ type: "failed", reason: "not used" }),
    cancel: async () => undefined,
  };
}

function setup() {
  const submitted: Record<string, string>[] = [];
  const added: NewLogin[] = [];
  const redacted: string[] = [];
  const replies: string[] = [];
  const core = {
    loginFlow: () => passwordFlow(submitted),
    logins: {
      add: async (_user: string, _network: string, login: NewLogin) => {
        added.push(login);
        return { record: login };
      },
    },
  } as unknown as BridgeCore;
  const conversations = new LoginConversations(core, async (_room, eventId) => void redacted.push(eventId), capturingLogger().logger);
  const reply = async (r: Reply) => void replies.push(r.text);
  let n = 0;
  const say = (text: string) => conversations.take("@alice:x", "!room", text, `$${++n}`, reply);
  return { conversations, submitted, added, redacted, replies, reply, say };
}

describe("login conversations", () => {
  it("answers a login on a network the config turns off without starting anything", async () => {
    const replies: string[] = [];
    const core = { loginFlow: () => undefined } as unknown as BridgeCore;
    const conversations = new LoginConversations(core, async () => undefined, capturingLogger().logger);
    await conversations.begin("@alice:x", "instagram", [], async (r) => void replies.push(r.text));
    expect(replies).toEqual(["Instagram is not enabled on this bridge."]);
    expect(await conversations.take("@alice:x", "!room", "alice", "$1", async (r) => void replies.push(r.text))).toBe(false);
  });

  it("asks for one value per message, redacts the messages with secrets and logs in", async () => {
    const { conversations, submitted, added, redacted, replies, reply, say } = setup();
    await conversations.begin("@alice:x", "messenger", [], reply);
    expect(replies.at(-1)).toBe("Send your email, or cancel to stop.");
    expect(await say("alice@example.org")).toBe(true);
    expect(replies.at(-1)).toBe("Send your password (the message is deleted from this room once read), or cancel to stop.");
    await say("hunter2");
    expect(submitted[0]).toEqual({ email: "alice@example.org", password: "hunter2" });
    await say("000000");
    expect(replies.some((r) => r.startsWith("That code is wrong."))).toBe(true);
    await say("123456");
    expect(added).toEqual([{ remoteUserId: "100", remoteName: "Alice A", session: {} }]);
    expect(replies.at(-1)).toMatch(/^Logged in to Messenger as Alice A/);
    // $1 was the email; the password and both codes were secrets.
    expect(redacted).toEqual(["$2", "$3", "$4"]);
  });

  it("takes non-secret values from the command line but never a password", async () => {
    const { conversations, submitted, replies, reply, say } = setup();
    await conversations.begin("@alice:x", "messenger", ["alice@example.org", "hunter2"], reply);
    expect(submitted).toEqual([]);
    expect(replies.at(-1)).toBe("Send your password (the message is deleted from this room once read), or cancel to stop.");
    await say("hunter2");
    expect(submitted[0]).toEqual({ email: "alice@example.org", password: "hunter2" });
  });

  it("lets commands through mid-login and stops on cancel", async () => {
    const { conversations, reply, say } = setup();
    await conversations.begin("@alice:x", "messenger", [], reply);
    expect(await say("help")).toBe(false);
    expect(await say("login messenger")).toBe(false);
    expect(await conversations.cancel("@alice:x")).toBe(true);
    expect(await say("alice@example.org")).toBe(false);
  });
});
