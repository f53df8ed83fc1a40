/**
 * Logging in to Instagram through the bot: username, password and, when Instagram asks (here the
 * admin API flags the account), the checkpoint's security code. Secrets are redacted from the
 * management room once read; wrong answers get a notice saying what was wrong and the question
 * again; Instagram's login limit ends the login with the wait, and a later login works.
 */
import { describe, expect, it } from "@jest/globals";
import { waitForEvent } from "../../support/matrix-user.js";
import { BRIDGE_WAIT_MS } from "../support/bridge.js";
import { instagramScene, PASSWORD, say, type InstagramScene } from "./support.js";

function redactionOf(scene: InstagramScene, eventId: string, what: string) {
  return waitForEvent(scene.alice.client, (e) => e.getRoomId() === scene.managementRoom && e.getType() === "m.room.redaction" && e.event.redacts === eventId, BRIDGE_WAIT_MS, `the redaction of ${what}`);
}

async function pendingCode(scene: InstagramScene): Promise<string> {
  const [challenge] = await scene.ig.admin.challenges("alice");
  if (!challenge) throw new Error("Instagram has no pending challenge for alice");
  return challenge.code;
}

describe("Instagram login through the bot", () => {
  it("asks for the checkpoint code after the password, redacts both once read, and logs in", async () => {
    const scene = await instagramScene();
    await scene.ig.admin.forceCheckpoint("alice");
    await (await say(scene, "login instagram")).answer(/^Send your Instagram username, or cancel/);
    await (await say(scene, "@Alice")).answer(/^Send your Instagram password \(the message is deleted from this room once read\)/);
    const password = await say(scene, PASSWORD);
    await password.answer(/^Instagram wants to confirm it is you: it sent a 6-digit security code to a\*+@simnet\.invalid\. Send that code\.$/);
    await password.answer(/^Send the 6-digit security code \(the message is deleted/);
    await redactionOf(scene, password.eventId, "the password");

    const code = await say(scene, await pendingCode(scene));
    await code.answer(/^Logged in to Instagram as Alice Liddell\./);
    await redactionOf(scene, code.eventId, "the code");
    const list = await (await say(scene, "list-logins")).answer(/Your logins/);
    expect(String(list.getContent()["body"])).toContain(`Instagram: Alice Liddell (${scene.alicePk}), connected`);
    // Passing the checkpoint clears Instagram's flag.
    expect((await scene.ig.admin.account("alice")).checkpoint).toBe(false);
  });

  it("says so after a wrong password and after a wrong code, and the right ones then log in", async () => {
    const scene = await instagramScene();
    await scene.ig.admin.forceCheckpoint("alice");
    await (await say(scene, "login instagram alice")).answer(/^Send your Instagram password/);
    const wrongPassword = await say(scene, "not the password");
    await wrongPassword.answer(/^The password is not right\. Send your username and password again\./);
    await wrongPassword.answer(/^Send your Instagram username, or cancel/);
    await redactionOf(scene, wrongPassword.eventId, "the wrong password");
    expect(await scene.ig.admin.challenges("alice")).toEqual([]);

    await (await say(scene, "alice")).answer(/^Send your Instagram password/);
    await (await say(scene, PASSWORD)).answer(/^Send the 6-digit security code/);
    const right = await pendingCode(scene);
    const wrongCode = await say(scene, right === "000000" ? "111111" : "000000");
    await wrongCode.answer(/^That code is not right \(4 tries left\)\. Send the code again\./);
    await wrongCode.answer(/^Send the 6-digit security code/);
    await redactionOf(scene, wrongCode.eventId, "the wrong code");
    const notDigits = await say(scene, "12 34");
    await notDigits.answer(/^The security code is 6 digits\./);

    await (await say(scene, right.replace(/^(\d{3})/, "$1 "))).answer(/^Logged in to Instagram as Alice Liddell\./);
  });

  it("starts over with a new code when the last try of a code is used up, or the code expired", async () => {
    const scene = await instagramScene();
    await scene.ig.admin.forceCheckpoint("alice");
    await (await say(scene, "login instagram alice")).answer(/^Send your Instagram password/);
    await (await say(scene, PASSWORD)).answer(/^Send the 6-digit security code/);
    const first = await pendingCode(scene);
    const wrong = first === "000000" ? "111111" : "000000";
    for (const left of ["4 tries", "3 tries", "2 tries", "1 try"]) await (await say(scene, wrong)).answer(new RegExp(`^That code is not right \\(${left} left\\)`));
    const last = await say(scene, wrong);
    await last.answer(/^That code is not right, and it was the last try\. Send your username and password again for a new code\./);
    await last.answer(/^Send your Instagram username/);

    await (await say(scene, "alice")).answer(/^Send your Instagram password/);
    await (await say(scene, PASSWORD)).answer(/^Send the 6-digit security code/);
    const second = await pendingCode(scene);
    // A code lives 10 minutes.
    scene.ig.clock.offsetMs += 11 * 60_000;
    const late = await say(scene, second);
    await late.answer(/^The security check expired or had too many wrong codes\. Send your username and password again for a new code\./);
    await late.answer(/^Send your Instagram username/);

    await (await say(scene, "alice")).answer(/^Send your Instagram password/);
    await (await say(scene, PASSWORD)).answer(/^Send the 6-digit security code/);
    await (await say(scene, await pendingCode(scene))).answer(/^Logged in to Instagram as Alice Liddell\./);
  });

  it("ends the login with Instagram's wait after too many attempts, and a later login works", async () => {
    const scene = await instagramScene({ network: { rateLimits: { loginAttemptsPerHour: 2 } } });
    await (await say(scene, "login instagram alice")).answer(/^Send your Instagram password/);
    await (await say(scene, "wrong once")).answer(/^The password is not right/);
    await (await say(scene, "alice")).answer(/^Send your Instagram password/);
    await (await say(scene, "wrong twice")).answer(/^The password is not right/);
    await (await say(scene, "alice")).answer(/^Send your Instagram password/);
    const failed = await (await say(scene, PASSWORD)).answer(/^Instagram login failed:/);
    expect(failed.getContent()["body"]).toMatch(/^Instagram login failed: Instagram limits how often an account may try to log in, and this one has tried too often\. Try again in \d+ minutes?\.$/);
    await (await say(scene, "cancel")).answer(/^There is no login in progress\.$/);

    scene.ig.clock.offsetMs += 3600_000;
    await (await say(scene, "login instagram alice")).answer(/^Send your Instagram password/);
    await (await say(scene, PASSWORD)).answer(/^Logged in to Instagram as Alice Liddell\./);
  });
});
