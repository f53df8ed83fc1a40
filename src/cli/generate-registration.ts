import type { Command } from "commander";
import { loadConfig } from "../config/load.js";
import { buildDoublePuppetRegistration, buildRegistration, generateTokens } from "../matrix/registration.js";
import { existingTokens, GENERATED_HEADER, writeRegistrationFile } from "../matrix/registration-file.js";
import { runCommand } from "./failures.js";

export function registerGenerateRegistration(program: Command): void {
  program
    .command("generate-registration")
    .description("write the appservice registration the homeserver needs, derived from the config")
    .requiredOption("-c, --config <path>", "the YAML config file")
    .requiredOption("-f, --file <path>", "the registration file to write")
    .option("--regenerate-tokens", "replace the tokens of an existing registration with fresh ones", false)
    .action((options: { config: string; file: string; regenerateTokens: boolean }) =>
      runCommand(async () => {
        const config = loadConfig(options.config);
        const kept = options.regenerateTokens ? undefined : existingTokens(options.file);
        const registration = buildRegistration(config, kept ?? generateTokens());
        writeRegistrationFile(
          options.file,
          registration,
          GENERATED_HEADER,
        );
        process.stdout.write(`Wrote ${options.file} (${kept ? "kept the existing tokens" : "with new tokens"}).\n`);
        const puppetFile = config.bridge.double_puppet_registration;
        if (puppetFile) {
          const keptPuppet = options.regenerateTokens ? undefined : existingTokens(puppetFile);
          writeRegistrationFile(puppetFile, buildDoublePuppetRegistration(config, keptPuppet ?? generateTokens()), GENERATED_HEADER);
          process.stdout.write(`Wrote ${puppetFile}, the double-puppeting registration (${keptPuppet ? "kept its token" : "with a new token"}).\n`);
        }
        process.stdout.write(
          `Add ${puppetFile ? "both files" : "it"} to the homeserver's app_service_config_files and restart the homeserver.\n`,
        );
      }),
    );
}
