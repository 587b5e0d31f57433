// Locates a Java 21+ binary for Debezium Server through find-java.sh, so that the shell
// script and the operator agree on which JDK is used.
import { join } from 'node:path';
import { SluiceError } from '../common/errors.ts';
import { runCommandRaw } from './launch-run-command.ts';

const SCRIPT = join(import.meta.dirname, 'find-java.sh');

/** Absolute path of a `java` of version 21 or newer; JAVA_NOT_FOUND otherwise. */
export async function findJava(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const result = await runCommandRaw(SCRIPT, [], { env });
  const path = result.stdout.trim();
  if (result.code !== 0 || path === '') {
    throw new SluiceError('JAVA_NOT_FOUND', 'No Java 21 or newer found for Debezium Server.', {
      hint: result.stderr.trim() || 'Install a JDK 21+ or set JAVA_HOME.',
    });
  }
  return path;
}
