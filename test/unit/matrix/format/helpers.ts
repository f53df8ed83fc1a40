import type { MentionResolver } from "../../../../src/matrix/format/index.js";

/** Matrix users the tests' "network" knows: @alice:hs <-> remote "alice-remote". */
const PEOPLE = [
  { matrix: "@alice:hs", remote: "alice-remote", displayName: "Alice" },
  { matrix: "@bob:example.org", remote: "bob-remote", displayName: "Bob <B&B>" },
];

export const mentions: MentionResolver = {
  remoteUserFor: (matrixUserId) => PEOPLE.find((p) => p.matrix === matrixUserId)?.remote,
  matrixUserFor: (remoteUserId) => {
    const person = PEOPLE.find((p) => p.remote === remoteUserId);
    return person ? { userId: person.matrix, displayName: person.displayName } : undefined;
  },
};

export const html = (formatted_body: string) => ({ body: "(fallback)", format: "org.matrix.custom.html", formatted_body });
