/**
 * Proves the integration harness itself: the Synapse from the global setup answers, users made
 * through the shared secret are real users a Matrix client can use, and messages flow.
 */
import { afterAll, describe, expect, it } from "@jest/globals";
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { Preset, type MatrixEvent } from "matrix-js-sdk";
import { registerMatrixUser } from "../../src/devenv/matrix-admin.js";
import { buildRegistration, registrationMismatches, RegistrationSchema } from "../../src/matrix/registration.js";
import {
  createTestClient,
  createTestUser,
  startAndSync,
  waitForEvent,
  waitForMembership,
  type TestUser,
} from "../support/matrix-user.js";
import { testConfig } from "../support/test-config.js";

const hsUrl = () => process.env["CROSSCHAT_TEST_HS_URL"] ?? "";

const users: TestUser[] = [];
async function user(name: string): Promise<TestUser> {
  const created = await createTestUser(name);
  users.push(created);
  return created;
}

afterAll(() => {
  for (const u of users) u.stop();
});

function textMessage(roomId: string, body: string) {
  return (event: MatrixEvent) =>
    event.getRoomId() === roomId && event.getType() === "m.room.message" && event.getContent()["body"] === body;
}

describe("the Synapse harness", () => {
  it("answers the client API's versions endpoint", async () => {
    const response = await fetch(`${hsUrl()}/_matrix/client/versions`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { versions?: unknown };
    expect(Array.isArray(body.versions)).toBe(true);
  });

  it("installed a registration that matches the test config", async () => {
    const path = process.env["CROSSCHAT_TEST_REGISTRATION"] ?? "";
    const registration = RegistrationSchema.parse(parse(await readFile(path, "utf8")));
    expect(registrationMismatches(registration, testConfig())).toEqual([]);
    expect(registration.namespaces.users).toEqual(
      buildRegistration(testConfig(), { as_token: "", hs_token: "" }).namespaces.users,
    );
  });

  it("reports Synapse's errcode when shared-secret registration is refused", async () => {
    await expect(
      registerMatrixUser({ homeserverUrl: hsUrl(), sharedSecret: "wrong", username: "mallory", password: "x" }),
    ).rejects.toThrow(/HTTP 403 \(M_\w+: HMAC incorrect\)/);
  });

  it("lets a registered user log in with matrix-js-sdk, create a room and see its own message", async () => {
    const alice = await user("alice");

    // A password login through the sdk, independent of the token registration returned.
    const loginClient = createTestClient(alice.userId, "");
    const login = await loginClient.loginRequest({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: alice.userId },
      password: alice.password,
    });
    expect(login.user_id).toBe(alice.userId);
    const client = createTestClient(alice.userId, login.access_token, login.device_id);
    try {
      await startAndSync(client);
      const { room_id: roomId } = await client.createRoom({ name: "harness", preset: Preset.PrivateChat });
      await waitForMembership(client, roomId, alice.userId, "join");
      const body = `hello from ${alice.userId}`;
      const sent = await client.sendTextMessage(roomId, body);
      const seen = await waitForEvent(client, textMessage(roomId, body), 10_000, "own message");
      expect(seen.getId()).toBe(sent.event_id);
      expect(seen.getSender()).toBe(alice.userId);
    } finally {
      client.stopClient();
    }
  });

  it("lets two users talk in a room", async () => {
    const [alice, bob] = await Promise.all([user("alice"), user("bob")]);
    const { room_id: roomId } = await alice.client.createRoom({
      preset: Preset.PrivateChat,
      invite: [bob.userId],
    });
    await waitForMembership(bob.client, roomId, bob.userId, "invite");
    await bob.client.joinRoom(roomId);
    await waitForMembership(alice.client, roomId, bob.userId, "join");

    await alice.client.sendTextMessage(roomId, "hi bob");
    const toBob = await waitForEvent(bob.client, textMessage(roomId, "hi bob"), 10_000, '"hi bob"');
    expect(toBob.getSender()).toBe(alice.userId);

    await bob.client.sendTextMessage(roomId, "hi alice");
    const toAlice = await waitForEvent(alice.client, textMessage(roomId, "hi alice"), 10_000, '"hi alice"');
    expect(toAlice.getSender()).toBe(bob.userId);
  });
});
