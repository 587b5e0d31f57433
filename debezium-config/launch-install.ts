// Makes sure the Debezium Server distribution is in the local cache (install-debezium.sh
// fetches it from Maven Central the first time) and returns its folder.
import { join } from 'node:path';
import { SluiceError } from '../common/errors.ts';
import { runCommandRaw } from './launch-run-command.ts';

const SCRIPT = join(import.meta.dirname, 'install-debezium.sh');

/** Folder of the unpacked distribution; a no-op of a few ms when already installed. */
export async function installDebezium(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  // The first download is ~800 MB; give it time before calling it a failure.
  const result = await runCommandRaw(SCRIPT, [], { env, timeoutMs: 30 * 60_000 });
  const dir = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.code !== 0 || dir === '') {
    throw new SluiceError('DEBEZIUM_NOT_INSTALLED', 'Could not install Debezium Server.', {
      hint: result.stderr.trim().slice(-2000) || `Run ${SCRIPT} to see why.`,
    });
  }
  return dir;
}
