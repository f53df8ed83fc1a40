import { describe, expect, it } from "@jest/globals";
import {
  badgeOf,
  handleFor,
  homeNetwork,
  matrixKey,
  nativeKey,
  parseParticipant,
  thirdPartyIdOf,
  type Participant,
} from "../../../src/gateway/participants.js";
import { NETWORK_IDS, type NetworkId } from "../../../src/network/index.js";

const ALPHABET = /^[A-Za-z0-9._:=-]+$/;
const HASHED = /^h=[0-9a-f]{64}$/;

const native = (network: NetworkId, id = "u1"): Participant => parseParticipant(nativeKey(network, id))!;
const matrix = (userId: string): Participant => parseParticipant(matrixKey(userId))!;

/** Undoes the '=XX' escapes, to show that the readable form loses nothing. */
const decode = (id: string): string => id.replace(/(?:=[0-9A-F]{2})+/g, (run) => Buffer.from(run.replace(/=/g, ""), "hex").toString("utf8"));

describe("participant keys", () => {
  it.each(NETWORK_IDS.map((network) => [network]))("parses a %s user's key back to its network and id", (network) => {
    const key = nativeKey(network, "ab12.CD");
    expect(key).toBe(`${network}:ab12.CD`);
    expect(parseParticipant(key)).toEqual({ kind: "native", network, id: "ab12.CD", key });
  });

  it("parses a Matrix user's key back to the user id", () => {
    const key = matrixKey("@ana:example.org");
    expect(key).toBe("matrix:@ana:example.org");
    expect(parseParticipant(key)).toEqual({ kind: "matrix", userId: "@ana:example.org", key });
  });

  it("keeps everything after the first colon as the id, colons included", () => {
    expect(parseParticipant("matrix:@a:b:c")).toEqual({ kind: "matrix", userId: "@a:b:c", key: "matrix:@a:b:c" });
    expect(parseParticipant("matrix:@ana:example.org:8448")).toMatchObject({ userId: "@ana:example.org:8448" });
    expect(parseParticipant("whatsapp:a:b")).toMatchObject({ kind: "native", network: "whatsapp", id: "a:b" });
  });

  it.each([
    ["an empty key", ""],
    ["a key without a colon", "whatsapp"],
    ["a key that is only a colon", ":"],
    ["an empty network", ":u1"],
    ["an empty native id", "whatsapp:"],
    ["an empty Matrix user id", "matrix:"],
    ["an unknown network", "telegram:u1"],
    ["a network in another case", "WhatsApp:u1"],
    ["a network with spaces around it", " whatsapp :u1"],
    ["a name inherited by every object", "constructor:u1"],
  ])("rejects %s", (_label, key) => {
    expect(parseParticipant(key)).toBeUndefined();
  });

  it("badges a native with their network and a Matrix user as 'matrix'; only natives have a home network", () => {
    expect(badgeOf(native("instagram"))).toBe("instagram");
    expect(homeNetwork(native("instagram"))).toBe("instagram");
    expect(badgeOf(matrix("@ana:example.org"))).toBe("matrix");
    expect(homeNetwork(matrix("@ana:example.org"))).toBeUndefined();
  });
});

describe("thirdPartyIdOf", () => {
  it("keeps a key that is already in the networks' alphabet as it is", () => {
    expect(thirdPartyIdOf("whatsapp:AZaz09._-:x")).toBe("whatsapp:AZaz09._-:x");
  });

  it.each([
    ["'@'", "matrix:@ana:example.org", "matrix:=40ana:example.org"],
    ["'=' itself", "whatsapp:a=b", "whatsapp:a=3Db"],
    ["a space", "matrix:@a b:c", "matrix:=40a=20b:c"],
    ["a slash and a plus", "messenger:a/b+c", "messenger:a=2Fb=2Bc"],
    ["an accented letter (two bytes)", "matrix:@josé:x", "matrix:=40jos=C3=A9:x"],
    ["a CJK letter (three bytes)", "matrix:@李:x", "matrix:=40=E6=9D=8E:x"],
    ["an emoji (four bytes)", "matrix:@😀:x", "matrix:=40=F0=9F=98=80:x"],
    ["a control character", "matrix:@a\nb:x", "matrix:=40a=0Ab:x"],
  ])("escapes %s as '=' and two upper-case hex digits per UTF-8 byte", (_label, key, id) => {
    expect(thirdPartyIdOf(key)).toBe(id);
    expect(decode(id)).toBe(key);
  });

  const tricky = [
    "whatsapp:x",
    "whatsapp:x=",
    "whatsapp:x=3D",
    "whatsapp:x=3D3D",
    "whatsapp:x==3D",
    "whatsapp:x ",
    "whatsapp:x=20",
    "whatsapp:x=2",
    "whatsapp:x%20",
    "whatsapp:x+",
    "matrix:@é:x",
    "matrix:@=C3=A9:x",
    "matrix:@e\u0301:x", // the same letter, decomposed
    "matrix:@E\u0301:x",
    "matrix:@😀:x",
    "matrix:@=F0=9F=98=80:x",
    "matrix:@\u00a0:x",
    "matrix:@ :x",
  ];

  it("gives distinct keys distinct ids, literal '=XX' sequences and escaped characters included", () => {
    const ids = tricky.map(thirdPartyIdOf);
    expect(new Set(ids).size).toBe(tricky.length);
    for (const [index, id] of ids.entries()) expect(decode(id)).toBe(tricky[index]);
  });

  it("gives keys with different lone surrogates (possible in a JS string) distinct ids, and neither the id of U+FFFD", () => {
    const keys = ["matrix:@\ud800:x", "matrix:@\udc00:x", "matrix:@\udbff:x", "matrix:@\ufffd:x", "matrix:@\ud83d\ude00:x"];
    const ids = keys.map(thirdPartyIdOf);
    expect(new Set(ids).size).toBe(keys.length);
    for (const id of ids) expect(id).toMatch(ALPHABET);
  });

  it("keeps an id of exactly 128 characters, and hashes a key whose id would be 129", () => {
    const fits = `whatsapp:${"a".repeat(119)}`;
    expect(thirdPartyIdOf(fits)).toBe(fits);
    expect(thirdPartyIdOf(`${fits}a`)).toMatch(HASHED);
  });

  it("counts the escaped length, not the key's: a short key of many escaped characters is hashed", () => {
    const key = `matrix:@${"é".repeat(20)}:x`; // 32 characters, 142 once escaped
    expect(key.length).toBeLessThan(128);
    expect(thirdPartyIdOf(key)).toMatch(HASHED);
  });

  it("hashes a long key the same way every time, and two long keys differing in one character differently", () => {
    const long = `messenger:${"b".repeat(200)}`;
    expect(thirdPartyIdOf(long)).toBe(thirdPartyIdOf(long));
    expect(thirdPartyIdOf(long)).not.toBe(thirdPartyIdOf(`${long.slice(0, -1)}c`));
    expect(thirdPartyIdOf(`${long}😀`)).not.toBe(thirdPartyIdOf(`${long}😁`));
  });

  it.each([
    ["a plain native key", "instagram:17841400000000001"],
    ["a Matrix key", "matrix:@ana:example.org"],
    ["a key of emoji", `matrix:@${"🎉".repeat(50)}:x`],
    ["a key of every ASCII character", `matrix:@${Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("")}`],
    ["a very long key", `whatsapp:${"z".repeat(5000)}`],
    ["a key of control characters", "matrix:@\u0000\u0001\u007f:x"],
  ])("writes %s with only [A-Za-z0-9._:=-], in at most 128 characters", (_label, key) => {
    const id = thirdPartyIdOf(key);
    expect(id).toMatch(ALPHABET);
    expect(id.length).toBeLessThanOrEqual(128);
  });
});

describe("handleFor a Matrix user", () => {
  it("never makes a handle of a localpart that holds a phone number, such as another bridge's puppet", () => {
    const handle = handleFor(matrix("@whatsapp_4915123456789:example.org"), "Ana");
    expect(handle).not.toMatch(/\d{7}/);
    expect(handle).toBe("someone.matrix");
  });

  it("is the user id without the '@', whatever the name", () => {
    expect(handleFor(matrix("@ana:example.org"), "Ana Lima")).toBe("ana:example.org");
    expect(handleFor(matrix("@a:b:c"), "")).toBe("a:b:c");
  });

  it("keeps a bare id of exactly 64 characters", () => {
    const userId = `@${"a".repeat(52)}:example.org`; // 64 without the '@'
    expect(handleFor(matrix(userId), "")).toBe(userId.slice(1));
  });

  it.each([
    ["too long", `@${"ana.lima".repeat(10)}:example.org`],
    ["with a space", "@ana lima:example.org"],
    ["with a tab", "@ana\tlima:example.org"],
    ["with a newline", "@ana\nlima:example.org"],
  ])("becomes a slug ending in '.matrix', at most 64 characters, for an id %s", (_label, userId) => {
    const handle = handleFor(matrix(userId), "");
    expect(handle).toMatch(/^[a-z0-9-]+\.matrix$/);
    expect(handle.length).toBeLessThanOrEqual(64);
  });

  it("slugs an id with whitespace readably", () => {
    expect(handleFor(matrix("@Ana Lima:example.org"), "")).toBe("ana-lima-example-org.matrix");
  });

  it("leaves no dash before '.matrix' where the cut falls on a space", () => {
    const kept = "a".repeat(56); // the slug is cut to 57 characters
    expect(handleFor(matrix(`@${kept} bcdefgh:x`), "")).toBe(`${kept}.matrix`);
  });
});

describe("handleFor a network's user", () => {
  it.each<[string, NetworkId, string]>([
    ["Ana Lima", "whatsapp", "ana-lima.whatsapp"],
    ["José Müller", "messenger", "jose-muller.messenger"],
    ["Ça Va Éloïse", "instagram", "ca-va-eloise.instagram"],
    ["ÅSA Ñúñez", "whatsapp", "asa-nunez.whatsapp"],
    ["  Ana --- Lima!!!  ", "whatsapp", "ana-lima.whatsapp"],
    ["ana_lima.dev", "messenger", "ana-lima-dev.messenger"],
    ["Zoë 😀 K.", "instagram", "zoe-k.instagram"],
    ["ＡＮＡ", "whatsapp", "ana.whatsapp"], // full-width letters
    ["Ana 2", "whatsapp", "ana-2.whatsapp"],
    ["Agent 007", "messenger", "agent-007.messenger"],
    ["Class of 2024", "instagram", "class-of-2024.instagram"],
  ])("names %j on %s %s", (name, network, handle) => {
    expect(handleFor(native(network), name)).toBe(handle);
  });

  it.each(NETWORK_IDS.map((network) => [network]))("stays within 64 characters on %s, however long the name", (network) => {
    const handle = handleFor(native(network), "Ana Maria ".repeat(30));
    expect(handle.length).toBeLessThanOrEqual(64);
    expect(handle.startsWith("ana-maria-ana-maria-")).toBe(true);
    expect(handle.endsWith(`.${network}`)).toBe(true);
  });

  it.each(NETWORK_IDS.map((network) => [network]))("leaves no dash before '.%s' where the cut falls on a space", (network) => {
    // The name is cut to 64 - '.<network>' - 4 characters: make the last of them a space.
    const kept = "a".repeat(64 - network.length - 1 - 4 - 1);
    expect(handleFor(native(network), `${kept} bcd`)).toBe(`${kept}.${network}`);
  });

  it.each([
    ["an empty name", ""],
    ["only spaces", "   "],
    ["only punctuation", "!!! ... ---"],
    ["only emoji", "😀🎉"],
    ["only a dash of another kind", "—"],
    ["a name in a script without Latin letters", "李小龙"],
  ])("is 'someone.<network>' for %s", (_label, name) => {
    for (const network of NETWORK_IDS) expect(handleFor(native(network), name)).toBe(`someone.${network}`);
  });

  it.each([
    "+49 151 2345 6789",
    "0151-23456789",
    "0151 23456789",
    "015123456789",
    "+4915123456789",
    "0049 151 23456789",
    "+49 (0)151 2345 6789",
    "(0151) 234 56 789",
    "0151/2345 6789",
    "+49.151.2345.6789",
    "+49\u00a0151\u00a02345\u00a06789",
    "0151\u201323456789",
    "+1 (555) 123-4567",
    "555.123.4567",
    "+33 6 12 34 56 78",
    "+44 7700 900123",
    "+55 11 91234-5678",
    "０１５１ ２３４５ ６７８９",
    "Ana +49 151 2345 6789",
    "0151 23456789 (work)",
    `${"Ana Maria ".repeat(5)}0151 23456789`, // the cut falls inside the number
  ])("never yields the digits of the phone number in %j", (name) => {
    for (const network of NETWORK_IDS) {
      const handle = handleFor(native(network), name);
      expect(handle).toBe(`someone.${network}`);
      expect(handle).not.toMatch(/\d/);
    }
  });
});
