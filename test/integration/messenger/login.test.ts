/**
 * Logging in to Messenger through the bot: email, password, and the 2FA code when the account
 * has two-factor authentication on. Secrets are redacted from the management room once read and
 * never repeated by the bot; wrong answers get a notice saying what was wrong.
 */
import { describe, expect, it } from "@jest/globals";
import type { MatrixClient } from "matrix-js-sdk";
import { LIMITS } from "../../../src/simnet/messenger/protocol.js";
import { waitForEvent } from "../../support/matrix-user.js";
import { BRIDGE_WAIT_MS, command } from "../support/bridge.js";
import { answerBot, pendingCode, useMessengerScene, type MessengerScene } from "./support.js";

const startScene = useMessengerScene();

function redactionOf(client: MatrixClient, roomId: string, eventId: string) {
  return waitForEvent(client, (e) => e.getRoomId() === roomId && e.getType() === "m.room.redaction" && e.event.redacts === eventId, BRIDGE_WAIT_MS, `the redaction of ${eventId}`);
}

/** Everything the bot said in the management room. */
function botSaid(scene: MessengerScene): string[] {
  const events = scene.alice.client.getRoom(scene.managementRoom)?.getLiveTimeline().getEvents() ?? [];
  return events.filter((e) => e.getSender() === scene.bot && e.getType() === "m.room.message").map((e) => `${String(e.getContent()["body"])}\n${String(e.getContent()["formatted_body"] ?? "")}`);
}

describe("logging in to Messenger through the bot", () => {
  it("asks for email, password and the 2FA code, redacts the password and the code once read, and never repeats them", async () => {
    const scene = await startScene({ twoFactor: true, login: false });
    const { alice, managementRoom, aliceRemote } = scene;
    await answerBot(scene, "login messenger", /^Send the email address of your Messenger account/m);
    await answerBot(scene, aliceRemote.account.email, /^Send your Messenger password \(the message is deleted from this room once read\)/);
    const password = await answerBot(scene, aliceRemote.account.password, /^Your account has two-factor authentication on/);
    expect(String(password.reply.getContent()["body"])).toContain("6-digit login code");
    await redactionOf(alice.client, managementRoom, password.sent);

    const code = await pendingCode(scene.world, aliceRemote.account);
    const done = await answerBot(scene, code, /^Logged in to Messenger/);
    expect(done.reply.getContent()["body"]).toMatch(/^Logged in to Messenger as Alice\./);
    await redactionOf(alice.client, managementRoom, done.sent);

    const list = await command(alice.client, managementRoom, scene.bot, "list-logins", /Your logins/);
    expect(String(list.getContent()["body"])).toContain(`Messenger: Alice (${aliceRemote.id}), connected`);
    const sessions = await scene.world.admin.sessions(aliceRemote.id);
    expect(sessions.map((s) => s.device_name)).toContain("crosschat");
    for (const said of botSaid(scene)) {
      expect(said).not.toContain(aliceRemote.account.password);
      expect(said).not.toContain(code);
    }
  });

  it("says what was wrong with a wrong password and a wrong code, and logs in with the right ones afterwards", async () => {
    const scene = await startScene({ twoFactor: true, login: false });
    const { aliceRemote } = scene;
    await answerBot(scene, "login messenger", /^Send the email address/m);
    await answerBot(scene, aliceRemote.account.email, /^Send your Messenger password/);
    const wrongPassword = await answerBot(scene, "not-the-password", /^Messenger did not accept that email address and password/);
    expect(String(wrongPassword.reply.getContent()["body"])).toMatch(/Check them and send them again\./);
    expect(String(wrongPassword.reply.getContent()["body"])).not.toContain("not-the-password");

    // Asked again from the start: the email address, then the password.
    await answerBot(scene, aliceRemote.account.email, /^Send your Messenger password/);
    await answerBot(scene, aliceRemote.account.password, /^Send the 6-digit login code/m);
    const code = await pendingCode(scene.world, aliceRemote.account);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    const wrongCode = await answerBot(scene, wrong, /^That code is not right/);
    expect(String(wrongCode.reply.getContent()["body"])).toMatch(/Check it and send it again\./);
    await redactionOf(scene.alice.client, scene.managementRoom, wrongCode.sent);

    await answerBot(scene, code, /^Logged in to Messenger as Alice\./);
    const list = await command(scene.alice.client, scene.managementRoom, scene.bot, "list-logins", /Your logins/);
    expect(String(list.getContent()["body"])).toContain(`Messenger: Alice (${aliceRemote.id}), connected`);
  });

  it("starts over with the email address when the code has expired", async () => {
    const scene = await startScene({ twoFactor: true, login: false });
    const { aliceRemote } = scene;
    await answerBot(scene, "login messenger", /^Send the email address/m);
    await answerBot(scene, aliceRemote.account.email, /^Send your Messenger password/);
    await answerBot(scene, aliceRemote.account.password, /^Your account has two-factor authentication on/);
    const code = await pendingCode(scene.world, aliceRemote.account);
    // Messenger's codes last 5 minutes.
    scene.clock.advance(LIMITS.loginTokenTtlMs + 1_000);
    await answerBot(scene, code, /^The login code expired before it was sent \(codes last 5 minutes\)/);
    await answerBot(scene, aliceRemote.account.email, /^Send your Messenger password/);
    await answerBot(scene, aliceRemote.account.password, /^Your account has two-factor authentication on/);
    await answerBot(scene, await pendingCode(scene.world, aliceRemote.account), /^Logged in to Messenger as Alice\./);
  });

  it("ends the login with the wait once Messenger blocks wrong passwords, and logs in after the wait", async () => {
    const scene = await startScene({ twoFactor: false, login: false });
    const { aliceRemote } = scene;
    await answerBot(scene, "login messenger", /^Send the email address/m);
    for (let attempt = 0; attempt < LIMITS.loginFailures; attempt++) {
      await answerBot(scene, aliceRemote.account.email, /^Send your Messenger password/);
      await answerBot(scene, `wrong-${attempt}`, /^Messenger did not accept that email address and password/);
    }
    await answerBot(scene, aliceRemote.account.email, /^Send your Messenger password/);
    const blocked = await answerBot(scene, aliceRemote.account.password, /^Messenger login failed/);
    expect(blocked.reply.getContent()["body"]).toMatch(/^Messenger login failed: Messenger blocked logging in to this account for a while after too many wrong passwords or codes\. Try again in \d+ minutes?\.$/);

    scene.clock.advance(LIMITS.loginFailureWindowMs);
    await answerBot(scene, `login messenger ${aliceRemote.account.email}`, /^Send your Messenger password/);
    await answerBot(scene, aliceRemote.account.password, /^Logged in to Messenger as Alice\./);
  });

  it("does not ask for a code when the account has no two-factor authentication", async () => {
    const scene = await startScene({ twoFactor: false, login: false });
    const { aliceRemote } = scene;
    // The email address may come with the command; the password never does.
    await answerBot(scene, `login messenger ${aliceRemote.account.email}`, /^Send your Messenger password/);
    const done = await answerBot(scene, aliceRemote.account.password, /^Logged in to Messenger|code/m);
    expect(done.reply.getContent()["body"]).toMatch(/^Logged in to Messenger as Alice\./);
    expect(botSaid(scene).some((said) => /login code|two-factor/.test(said))).toBe(false);
    expect(await scene.world.admin.pendingCodes({ email: aliceRemote.account.email })).toEqual([]);
  });
});
