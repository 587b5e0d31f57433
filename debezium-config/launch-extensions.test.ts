// Which jar of Sluice's Debezium extensions the launcher puts on the classpath: the one named
// by the environment, none when the distribution's lib/ holds the image's, else this checkout's
// build (scripts/build-debezium-extensions.sh, cached by the hash of the module's sources beside
// the distribution).
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debeziumExtensionsJar } from './launch-extensions.ts';

let root: string;
let dist: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-extensions-'));
  dist = join(root, 'debezium-server');
  await mkdir(join(dist, 'lib'), { recursive: true });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('debeziumExtensionsJar', () => {
  it('takes SLUICE_DEBEZIUM_EXTENSIONS_JAR when set', async () => {
    const env = { ...process.env, SLUICE_DEBEZIUM_EXTENSIONS_JAR: '/opt/x/ext.jar' };
    expect(await debeziumExtensionsJar(dist, env)).toBe('/opt/x/ext.jar');
  });

  it("builds this checkout's jar, the same path for the same sources", async () => {
    const env = { ...process.env, SLUICE_DEBEZIUM_EXTENSIONS_JAR: '' };
    const jar = await debeziumExtensionsJar(dist, env);
    expect(jar?.startsWith(join(root, 'debezium-extensions', 'sluice-debezium-extensions-'))).toBe(
      true,
    );
    expect(jar).toMatch(/-[0-9a-f]{16}\.jar$/);
    expect((await stat(jar ?? '')).size).toBeGreaterThan(1000);
    expect(await debeziumExtensionsJar(dist, env)).toBe(jar);
  }, 900_000);

  it("adds nothing when the distribution's lib/ holds the image's jar", async () => {
    await writeFile(join(dist, 'lib', 'sluice-debezium-extensions.jar'), '');
    const env = { ...process.env, SLUICE_DEBEZIUM_EXTENSIONS_JAR: '' };
    expect(await debeziumExtensionsJar(dist, env)).toBeUndefined();
  });
});
