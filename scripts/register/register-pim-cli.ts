import { runCommand } from '../../src/cli/run-command.js';
import { parsePimArgs } from '../../src/register/pim/pim-args.js';
import { formatPimRegister, pimRegisterJson } from '../../src/register/pim/pim-format.js';
import { PIM_REGISTER_USAGE } from '../../src/register/pim/pim-usage.js';
import { runPimRegister } from '../../src/register/pim/run-pim-register.js';
import { runWithTenant, type RegisterCliOptions, type RegisterIo } from './register-run.js';

/**
 * `npm run register -- --pim …`: the command line → the PIM custom extension registered (or
 * planned, with --what-if) and its links, printed for a person or as JSON. Returns the exit code:
 * 0 done or nothing to change, 1 Graph, a permission or the sign-in failed, 2 bad arguments, a
 * role without a policy, a role already calling another extension, a tenant file that does not load.
 */
export function pimRegisterCli(argv: readonly string[], io: RegisterIo, options: RegisterCliOptions): Promise<number> {
  return runCommand('register', PIM_REGISTER_USAGE, parsePimArgs(argv, options.env), io, ({ desired, whatIf, json, source }) =>
    runWithTenant(source, io, options, async (deps, label) => {
      const result = await runPimRegister(desired, whatIf, deps);
      return json ? `${JSON.stringify(pimRegisterJson(result, label), null, 2)}\n` : formatPimRegister(result, label);
    }),
  );
}
