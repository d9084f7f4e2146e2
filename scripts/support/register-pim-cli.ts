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
export async function pimRegisterCli(argv: readonly string[], io: RegisterIo, options: RegisterCliOptions): Promise<number> {
  const parsed = parsePimArgs(argv, options.env);
  if (parsed.kind === 'help') {
    io.out(`${PIM_REGISTER_USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'usage-error') {
    io.err(`register: ${parsed.message} (npm run register -- --pim --help)\n`);
    return 2;
  }
  const { desired, whatIf, json, source } = parsed.args;
  return runWithTenant(source, io, options, async (deps, label) => {
    const result = await runPimRegister(desired, whatIf, deps);
    return json ? `${JSON.stringify(pimRegisterJson(result, label), null, 2)}\n` : formatPimRegister(result, label);
  });
}
