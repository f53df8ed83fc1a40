/**
 * `crosschat simnet user <network> <verb>`: chat as an ordinary user of a simulated network from
 * a shell. Each verb is one call on the network's client library, through the UserAgent facade,
 * so what works here works the same on all three networks.
 */
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import type { AgentEvent, UserAgent } from "../../simnet/client/agent.js";
import type { SimnetNetworkId } from "../../simnet/core/network.js";
import { SIMNET_KITS } from "../../simnet/networks.js";
import { runCommand, UsageError } from "../failures.js";
import { DEFAULT_SIMNET_DATA, defaultUrl, networkName, positiveInteger } from "./options.js";
import { readSession, removeSession, sessionPath, writeSession } from "./session-files.js";

interface UserOptions {
  as: string;
  data: string;
  url?: string;
  password?: string;
  replyTo?: string;
  limit: number;
  stop?: boolean;
  json?: boolean;
  byPhone?: boolean;
  title?: string;
}

interface Verb {
  args: string[];
  summary: string;
  run(agent: UserAgent, args: string[], options: UserOptions): Promise<unknown>;
}

/** `provider:id[,provider:id...]`, as `search-third-party` prints them. */
function thirdPartyContacts(list: string): { provider: string; id: string }[] {
  return list.split(",").map((entry) => {
    const at = entry.indexOf(":");
    if (at <= 0 || at === entry.length - 1) throw new UsageError(`expected <provider>:<id>, as search-third-party shows them, not '${entry}'`);
    return { provider: entry.slice(0, at), id: entry.slice(at + 1) };
  });
}

const VERBS: Record<string, Verb> = {
  chats: { args: [], summary: "list your chats", run: (agent) => agent.chats() },
  history: { args: ["chat"], summary: "latest messages of a chat (--limit)", run: (agent, [chat], o) => agent.history(chat!, o.limit) },
  "start-chat": { args: ["handle"], summary: "open a direct chat with someone", run: (agent, [handle]) => agent.startDirectChat(handle!) },
  send: {
    args: ["chat", "text"],
    summary: "send a text message (--reply-to <message id>)",
    run: (agent, [chat, text], o) => agent.send(chat!, text!, o.replyTo ? { replyTo: o.replyTo } : {}),
  },
  edit: { args: ["chat", "message", "text"], summary: "edit your message", run: (agent, [chat, id, text]) => agent.edit(chat!, id!, text!) },
  react: {
    args: ["chat", "message", "emoji"],
    summary: 'react to a message ("" removes your reaction)',
    run: (agent, [chat, id, emoji]) => agent.react(chat!, id!, emoji!),
  },
  delete: { args: ["chat", "message"], summary: "delete (unsend) a message", run: (agent, [chat, id]) => agent.delete(chat!, id!) },
  read: { args: ["chat", "message"], summary: "mark a chat read up to a message", run: (agent, [chat, id]) => agent.markRead(chat!, id!) },
  typing: { args: ["chat"], summary: "say you are typing (--stop to stop)", run: (agent, [chat], o) => agent.typing(chat!, o.stop !== true) },
  "third-party": {
    args: ["on|off"],
    summary: "turn third-party chats on or off (--by-phone: WhatsApp also lets others find you by number)",
    run: async (agent, [state], o) => {
      if (state !== "on" && state !== "off") throw new UsageError("usage: third-party on|off");
      await agent.interop.setThirdPartyChats(state === "on", o.byPhone ? { discoverableByPhone: true } : {});
      return { third_party_chats: state };
    },
  },
  "search-third-party": {
    args: ["query"],
    summary: "find people from other networks by handle or name",
    run: (agent, [query]) => agent.interop.searchThirdParty(query!),
  },
  "start-third-party": {
    args: ["contacts"],
    summary: "chat with <provider>:<id>[,...] from search-third-party (several, or --title, make a group)",
    run: (agent, [list], o) => {
      const thirdParty = thirdPartyContacts(list!);
      const group = thirdParty.length > 1 || o.title !== undefined;
      return agent.interop.startThirdPartyChat({ kind: group ? "group" : "direct", thirdParty, ...(o.title !== undefined ? { title: o.title } : {}) });
    },
  },
  "approve-link": {
    args: ["code"],
    summary: "approve a device's pairing code, such as the bridge's (WhatsApp)",
    run: async (agent, [code]) => {
      if (!agent.approveLink) throw new UsageError(`${agent.network} does not link devices with a code`);
      return agent.approveLink(code!);
    },
  },
};

const HELP_VERBS = [
  "login <handle>      log in (asks for codes; --password or it asks)",
  "logout              end the saved session",
  ...Object.entries(VERBS).map(([name, verb]) => `${[name, ...verb.args.map((a) => `<${a}>`)].join(" ").padEnd(20)}${verb.summary}`),
  "listen              print events as they arrive, until Ctrl-C",
];

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(`${question} `)).trim();
  } finally {
    rl.close();
  }
}

function print(value: unknown): void {
  if (value !== undefined) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function describeEvent(event: AgentEvent): string {
  const where = event.chat ? `[${event.chat}] ` : "";
  const who = event.thirdParty ? `${event.thirdParty.name} [${event.thirdParty.network}]: ` : event.sender ? `${event.sender}: ` : "";
  const what = event.text ?? (event.messageId ? `(${event.messageId})` : "");
  return `${event.kind.padEnd(8)} ${where}${who}${what}`.trimEnd();
}

async function login(network: SimnetNetworkId, handle: string, options: UserOptions, path: string): Promise<void> {
  const kit = SIMNET_KITS[network];
  const url = options.url ?? defaultUrl(network);
  const password = options.password ?? (kit.needsPassword ? await ask("Password:") : undefined);
  const agent = await kit.login(url, { handle, ...(password !== undefined ? { password } : {}) }, ask);
  writeSession(path, { url, saved: agent.save() });
  process.stdout.write(`logged in to ${network} as ${agent.userId}; session saved in ${path}\n`);
  await agent.close();
}

async function withAgent(network: SimnetNetworkId, path: string, work: (agent: UserAgent) => Promise<void>): Promise<void> {
  const session = readSession(path);
  if (!session) throw new UsageError(`not logged in: run 'crosschat simnet user ${network} login <handle>' first`);
  const agent = await SIMNET_KITS[network].restore(session.url, session.saved);
  try {
    await work(agent);
    writeSession(path, { url: session.url, saved: agent.save() });
  } finally {
    await agent.close();
  }
}

function listenUntilInterrupted(agent: UserAgent, json: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    agent
      .listen((event) => process.stdout.write(`${json ? JSON.stringify(event) : describeEvent(event)}\n`))
      .then((stop) => process.once("SIGINT", () => void stop().then(resolve, reject)), reject);
  });
}

export function registerSimnetUser(simnet: Command): void {
  simnet
    .command("user")
    .description("act as an ordinary user of a simulated network")
    .argument("<network>", "whatsapp, messenger or instagram", networkName)
    .argument("<verb>", "what to do (see below)")
    .argument("[args...]", "the verb's arguments")
    .option("--as <name>", "which saved session to use, so one shell can be several people", "default")
    .option("-d, --data <dir>", "the simnet data folder (sessions are kept in <data>/sessions)", DEFAULT_SIMNET_DATA)
    .option("--url <url>", "the network's address (default: its standard local port)")
    .option("--password <password>", "password for login (asked for when missing)")
    .option("--reply-to <message>", "send: the message to reply to")
    .option("--limit <n>", "history: how many messages", positiveInteger, 20)
    .option("--stop", "typing: stop typing")
    .option("--json", "listen: print events as JSON lines")
    .option("--by-phone", "third-party on: also let providers find you by phone number (WhatsApp)")
    .option("--title <title>", "start-third-party: the group's title")
    .addHelpText("after", `\nVerbs:\n${HELP_VERBS.map((line) => `  ${line}`).join("\n")}\n`)
    .action((network: SimnetNetworkId, verbName: string, args: string[], options: UserOptions) =>
      runCommand(async () => {
        const path = sessionPath(options.data, network, options.as);
        if (verbName === "login") {
          if (args.length !== 1) throw new UsageError("usage: login <handle>");
          return login(network, args[0]!, options, path);
        }
        if (verbName === "logout") {
          const session = readSession(path);
          if (session) await (await SIMNET_KITS[network].restore(session.url, session.saved)).logout();
          removeSession(path);
          process.stdout.write(`logged out; removed ${path}\n`);
          return;
        }
        if (verbName === "listen") return withAgent(network, path, (agent) => listenUntilInterrupted(agent, options.json === true));
        const verb = VERBS[verbName];
        if (!verb) throw new UsageError(`unknown verb '${verbName}'; run 'crosschat simnet user --help' for the list`);
        if (args.length !== verb.args.length) throw new UsageError(`usage: ${verbName} ${verb.args.map((a) => `<${a}>`).join(" ")}`);
        await withAgent(network, path, async (agent) => print(await verb.run(agent, args, options)));
      }),
    );
}
