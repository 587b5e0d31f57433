// deploy/systemd/ holds the units `sluice install` writes for the documented layout (/opt/sluice),
// for readers and for packagers who write the files themselves; this keeps them equal to what
// renderUnits() produces. Regenerate: SLUICE_WRITE_UNITS=1 npx vitest run cli/commands/install-units.test.ts
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderEnvFile, renderUnits, type UnitPlan } from './install-units.ts';

const DIR = join(import.meta.dirname, '..', '..', 'deploy', 'systemd');

const REFERENCE_PLAN: UnitPlan = {
  node: '/opt/sluice/node/bin/node',
  appDir: '/opt/sluice',
  debeziumDir: '/opt/sluice/debezium-server',
  java: '/usr/lib/jvm/java-21-openjdk-amd64/bin/java',
  pipeline: 'default',
  apiHost: '0.0.0.0',
  apiPort: 8180,
  exporterHost: '0.0.0.0',
  exporterPort: 9121,
  debeziumMetricsPort: 9404,
  protectHome: true,
};

describe('deploy/systemd', () => {
  it('holds exactly the units renderUnits() writes for /opt/sluice', async () => {
    for (const [file, text] of Object.entries(renderUnits(REFERENCE_PLAN))) {
      if (process.env.SLUICE_WRITE_UNITS === '1') await writeFile(join(DIR, file), text);
      expect(await readFile(join(DIR, file), 'utf8'), `${file}: regenerate it`).toBe(text);
    }
  });

  it('refuses paths and values that would break a unit or the environment file', () => {
    expect(() => renderUnits({ ...REFERENCE_PLAN, appDir: '/opt/my sluice' })).toThrow(/path/);
    expect(() => renderEnvFile({ rdiUrl: 'redis://a"b@h:1', jwtSecret: 'x'.repeat(40) })).toThrow();
    expect(renderEnvFile({ rdiUrl: 'redis://u:p@h:1', jwtSecret: 's'.repeat(40) })).toContain(
      'SLUICE_RDI_URL="redis://u:p@h:1"',
    );
  });

  it("writes the RDI database's TLS files into the environment file, refusing PEM text", () => {
    const rdiTls = { SLUICE_RDI_CACERT: '/etc/sluice/ca.pem', SLUICE_RDI_KEY: '/etc/sluice/c.key' };
    const text = renderEnvFile({ rdiUrl: 'rediss://h:1', jwtSecret: 's'.repeat(40), rdiTls });
    expect(text).toContain('SLUICE_RDI_CACERT="/etc/sluice/ca.pem"\n');
    expect(text).toContain('SLUICE_RDI_KEY="/etc/sluice/c.key"\n');
    const pem = '-----BEGIN CERTIFICATE-----\nY2E=\n-----END CERTIFICATE-----\n';
    expect(() =>
      renderEnvFile({
        rdiUrl: 'rediss://h:1',
        jwtSecret: 's'.repeat(40),
        rdiTls: { SLUICE_RDI_CACERT: pem },
      }),
    ).toThrow(/SLUICE_RDI_CACERT/);
  });
});
