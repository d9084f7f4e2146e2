import { runCommand } from '../../src/cli/run-command.js';
import { formatRegister, registerJson } from '../../src/register/format-register.js';
import { isPimCommand } from '../../src/register/pim/pim-args.js';
import { parseRegisterArgs } from '../../src/register/register-args.js';
import { REGISTER_USAGE } from '../../src/register/register-usage.js';
import { runRegister } from '../../src/register/run-register.js';
import { pimRegisterCli } from './register-pim-cli.js';
import { runWithTenant, type RegisterCliOptions, type RegisterIo } from './register-run.js';

export type { RegisterCliOptions, RegisterIo } from './register-run.js';
export type { OpenedEmulator } from '../common/tenant-graph.js';

/**
 * `npm run register`: the command line → the registration made (or planned, with --what-if),
 * printed for a person or as JSON; with --pim, PIM's custom extension (register-pim-cli.ts). Returns the exit code: 0 done or nothing to change, 1 Graph, a
 * permission or the sign-in failed, 2 bad arguments, a missing catalog or policy, a stage or
 * policy that cannot take the extension, a tenant file that does not load.
 */
export function registerCli(argv: readonly string[], io: RegisterIo, options: RegisterCliOptions): Promise<number> {
  if (isPimCommand(argv)) return pimRegisterCli(argv, io, options);
  return runCommand('register', REGISTER_USAGE, parseRegisterArgs(argv, options.env), io, ({ desired, whatIf, json, source }) =>
    runWithTenant(source, io, options, async (deps, label) => {
      const result = await runRegister(desired, whatIf, deps);
      return json ? `${JSON.stringify(registerJson(result, label), null, 2)}\n` : formatRegister(result, label);
    }),
  );
}
