#!/usr/bin/env node
/** The `crosschat` command line: one subcommand per file, wired here. */
import { Command } from "commander";
import { VERSION } from "../version.js";
import { registerCheckConfig } from "./check-config.js";
import { registerDev } from "./dev.js";
import { registerGenerateRegistration } from "./generate-registration.js";
import { registerSimnet } from "./simnet/index.js";
import { registerStart } from "./start.js";

const program = new Command()
  .name("crosschat")
  .description("A Matrix bridge to WhatsApp-, Messenger- and Instagram-like networks, and rooms that span them")
  .version(VERSION, "-V, --version", "print the version and exit")
  .showHelpAfterError()
  .configureHelp({ sortSubcommands: false });

registerStart(program);
registerGenerateRegistration(program);
registerCheckConfig(program);
registerDev(program);
registerSimnet(program);

await program.parseAsync(process.argv);
