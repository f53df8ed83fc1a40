/**
 * Instagram identity: stable numeric pks, usernames with Instagram's rules that the user can
 * change (at most twice in 14 days; the admin may any time), renames announced as profile
 * patches to the user's sessions and everyone sharing a thread, old usernames that stop
 * resolving, full names and avatars.
 */
import { describe, expect, it } from "@jest/globals";
import { FILES, Harness } from "./harness.js";

describe("instagram identity", () => {
  it("gives accounts stable numeric pks in Instagram's range, as decimal strings", async () => {
    const h = await Harness.start();
    const a = await h.account("alice");
    const b = await h.account("bob");
    expect(a.pk).toMatch(/^178414\d{11}$/);
    expect(BigInt(b.pk)).toBe(BigInt(a.pk) + 1n);
    expect(a.pk_id).toBe(a.pk);
  });

  it("refuses usernames that break Instagram's rules or are taken in any case", async () => {
    const h = await Harness.start();
    await h.account("alice.b_1");
    for (const bad of ["has space", ".lead", "trail.", "dou..ble", "1234567", "x".repeat(31), "ümlaut", ""]) {
      await expect(h.account(bad)).rejects.toMatchObject({ status: 400, code: "invalid_username" });
    }
    await expect(h.account("ALICE.B_1")).rejects.toMatchObject({ code: "username_taken" });
    expect((await h.account("Mixed.Case")).username).toBe("mixed.case");
  });

  it("announces a rename to the user's sessions and thread partners but not to strangers", async () => {
    const h = await Harness.start();
    const alice = await h.user("alice");
    const aliceLaptop = await h.login("alice", "android-laptop");
    const bob = await h.user("bob");
    const stranger = await h.user("carol");
    await alice.directThread({ username: "bob" });
    const [own, partner, other] = await Promise.all([h.listen(aliceLaptop), h.listen(bob), h.listen(stranger)]);
    await alice.editProfile({ username: "alice.renamed" });
    const isRename = (e: { type: string }) => e.type === "profile";
    const [seenByOwn] = await own.until(isRename);
    const [seenByPartner] = await partner.until(isRename);
    expect(seenByOwn).toMatchObject({ user: { pk: alice.userId, username: "alice.renamed" } });
    expect(seenByPartner).toMatchObject({ user: { pk: alice.userId, username: "alice.renamed" } });
    await stranger.sendText((await stranger.directThread({ username: "bob" })).thread_id, "marker");
    await partner.until((e) => e.type === "item");
    expect(other.of("profile")).toEqual([]);
    expect(alice.username).toBe("alice.renamed");
  });

  it("resolves only the current username after a rename, and keeps the pk", async () => {
    const h = await Harness.start();
    const alice = await h.user("alice");
    const bob = await h.user("bob");
    await alice.editProfile({ username: "alice2" });
    await expect(bob.userByUsername("alice")).rejects.toMatchObject({ status: 404, code: "user_not_found" });
    expect((await bob.userByUsername("ALICE2")).pk).toBe(alice.userId);
    expect((await bob.user(alice.userId)).username).toBe("alice2");
    await expect(bob.directThread({ username: "alice" })).rejects.toMatchObject({ code: "user_not_found" });
    expect((await bob.directThread({ username: "alice2" })).thread_title).toBe("alice2");
  });

  it("lets a user change their username twice in 14 days, and the admin any time", async () => {
    const h = await Harness.start();
    const alice = await h.user("alice");
    await alice.editProfile({ username: "alice.one" });
    await alice.editProfile({ username: "alice.two" });
    await expect(alice.editProfile({ username: "alice.three" })).rejects.toMatchObject({ code: "username_change_limit" });
    expect((await h.admin.rename(alice.userId, "alice.admin")).username).toBe("alice.admin");
    h.clock.offsetMs += 14 * 24 * 3600_000 + 1;
    expect((await alice.editProfile({ username: "alice.later" })).username).toBe("alice.later");
  });

  it("announces an admin rename exactly as if the user had made it", async () => {
    const h = await Harness.start();
    const alice = await h.user("alice");
    const bob = await h.user("bob");
    await bob.directThread({ userId: alice.userId });
    const partner = await h.listen(bob);
    await h.admin.rename("alice", "alice.by.admin");
    const [event] = await partner.until((e) => e.type === "profile");
    expect(event).toMatchObject({ user: { pk: alice.userId, username: "alice.by.admin" } });
  });

  it("changes the full name and announces it", async () => {
    const h = await Harness.start();
    const alice = await h.user("alice");
    const own = await h.listen(alice);
    expect((await alice.editProfile({ fullName: "Alice Pleasance" })).full_name).toBe("Alice Pleasance");
    await own.until((e) => e.type === "profile" && e.user.full_name === "Alice Pleasance");
    await expect(alice.editProfile({ fullName: "x".repeat(31) })).rejects.toMatchObject({ code: "invalid_full_name" });
  });

  it("stores avatars given at account creation or changed later, as downloadable uploads", async () => {
    const h = await Harness.start();
    const created = await h.account("alice", { avatar: FILES.png });
    expect(created.profile_pic_url).toMatch(/^\/api\/v1\/uploads\/\w+\/$/);
    const alice = await h.login("alice");
    const download = await alice.download(created.profile_pic_url!);
    expect(download.mime).toBe("image/png");
    expect(download.data.equals(FILES.png)).toBe(true);
    const changed = await alice.changeProfilePicture(FILES.jpeg);
    expect(changed.profile_pic_id).not.toBe(created.profile_pic_id);
    expect((await alice.download(changed.profile_pic_url!)).mime).toBe("image/jpeg");
    await expect(alice.changeProfilePicture(Buffer.from("not an image"))).rejects.toMatchObject({ code: "unsupported_media_type" });
  });
});

