// Locates the jar of Sluice's Debezium extensions (the type descriptor transformation and the
// bit varying converter that the rendered properties name, docs/types.md) for the classpath:
// built from this checkout's sources by scripts/build-debezium-extensions.sh (cached by their
// hash beside the distribution, so that whoever may read the distribution may read the jar: a
// VM's service user finds the jar `sluice install` built), or the one an image placed in lib/.
import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SluiceError } from '../common/errors.ts';
import { runCommandRaw } from './launch-run-command.ts';

const SCRIPT = join(import.meta.dirname, '..', 'scripts', 'build-debezium-extensions.sh');
/** Where docker/collector.Dockerfile puts the jar. */
const IMAGE_JAR = 'sluice-debezium-extensions.jar';

/**
 * The jar to put before the distribution's lib/ on the classpath, or undefined when lib/
 * already holds it (an image). `SLUICE_DEBEZIUM_EXTENSIONS_JAR` names one explicitly.
 */
export async function debeziumExtensionsJar(
  distDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const explicit = env['SLUICE_DEBEZIUM_EXTENSIONS_JAR'];
  if (explicit !== undefined && explicit !== '') return explicit;
  if (await exists(join(distDir, 'lib', IMAGE_JAR))) return undefined;
  // A first build runs Maven (~10 s, longer the first time it fetches its plugins).
  const result = await runCommandRaw('bash', [SCRIPT], {
    env: { ...env, SLUICE_CACHE: dirname(distDir) },
    timeoutMs: 15 * 60_000,
  });
  const jar = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.code !== 0 || jar === '') {
    throw new SluiceError(
      'DEBEZIUM_NOT_INSTALLED',
      "Could not build Sluice's Debezium extensions.",
      {
        hint: result.stderr.trim().slice(-2000) || `Run ${SCRIPT} to see why.`,
      },
    );
  }
  return jar;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
