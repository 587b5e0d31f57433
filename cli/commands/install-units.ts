// What `sluice install` writes on a VM, as text: the systemd units of the API, the operator
// and the exporter, and the environment file with the RDI database URL and the token secret.
// Pure: the command (install.ts) decides the paths and writes the files.

export const UNIT_NAMES = ['sluice-api', 'sluice-operator', 'sluice-exporter'] as const;
export type UnitName = (typeof UNIT_NAMES)[number];

export const ETC_DIR = '/etc/sluice';
export const ENV_FILE = `${ETC_DIR}/sluice.env`;
export const UNIT_DIR = '/etc/systemd/system';

export interface UnitPlan {
  /** Absolute path of Node.js 24. */
  readonly node: string;
  /** The Sluice project folder (api/, processor/, node_modules/). */
  readonly appDir: string;
  readonly debeziumDir: string;
  readonly java: string;
  readonly pipeline: string;
  readonly apiHost: string;
  readonly apiPort: number;
  readonly exporterHost: string;
  readonly exporterPort: number;
  readonly debeziumMetricsPort: number;
  /** False when a program or the project lives under /home or /root. */
  readonly protectHome: boolean;
}

/** A path as one systemd command-line word; refuses what would need quoting. */
function word(path: string): string {
  if (!/^[A-Za-z0-9_./+:=@-]+$/.test(path)) {
    throw new Error(`${path}: use a path without spaces or special characters for systemd units`);
  }
  return path;
}

// Every unit gets the same sandbox: no new privileges (no setuid), a read-only system and
// no capabilities; a private /tmp holds the operator's working folders. No
// MemoryDenyWriteExecute: V8's JIT and the JVM need writable executable memory.
function hardening(plan: UnitPlan): string[] {
  return [
    'User=sluice',
    'Group=sluice',
    `EnvironmentFile=${ENV_FILE}`,
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    `ProtectHome=${plan.protectHome ? 'yes' : 'read-only'}`,
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectControlGroups=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    'RestrictSUIDSGID=yes',
    'RestrictRealtime=yes',
    'RestrictNamespaces=yes',
    'LockPersonality=yes',
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX',
    'CapabilityBoundingSet=',
    'AmbientCapabilities=',
    'SystemCallArchitectures=native',
    'UMask=0077',
    'Restart=on-failure',
    'RestartSec=5s',
  ];
}

interface UnitSpec {
  readonly description: string;
  readonly exec: readonly string[];
  readonly extra: readonly string[];
}

function specs(plan: UnitPlan): Record<UnitName, UnitSpec> {
  const node = word(plan.node);
  const main = (file: string): string => word(`${plan.appDir}/${file}`);
  return {
    'sluice-api': {
      description: 'Sluice REST API and web UI',
      exec: [node, main('api/server.ts')],
      extra: [
        `Environment=SLUICE_API_HOST=${plan.apiHost}`,
        `Environment=SLUICE_API_PORT=${plan.apiPort}`,
      ],
    },
    'sluice-operator': {
      description: 'Sluice operator (leader election, collector and processor)',
      exec: [
        node,
        main('api/operator-main.ts'),
        ...['--id', '%H', '--pipeline', word(plan.pipeline), '--runtime', 'local'],
        ...['--debezium-dir', word(plan.debeziumDir)],
        ...['--debezium-metrics-port', String(plan.debeziumMetricsPort)],
      ],
      extra: [
        `Environment=SLUICE_JAVA=${word(plan.java)}`,
        // The operator stops Debezium Server and the processor itself, in order, then
        // releases the lease: SIGTERM goes to it alone, SIGKILL to what is left at the end.
        'KillMode=mixed',
        'TimeoutStopSec=60s',
      ],
    },
    'sluice-exporter': {
      description: 'Sluice Prometheus exporter',
      exec: [
        node,
        main('api/exporter-main.ts'),
        ...['--host', plan.exporterHost, '--port', String(plan.exporterPort)],
        ...['--pipeline', word(plan.pipeline)],
        ...['--debezium-metrics', `http://127.0.0.1:${plan.debeziumMetricsPort}/metrics`],
      ],
      extra: [],
    },
  };
}

/** Unit file name → text. */
export function renderUnits(plan: UnitPlan): Record<`${UnitName}.service`, string> {
  const all = specs(plan);
  const out = {} as Record<`${UnitName}.service`, string>;
  for (const name of UNIT_NAMES) {
    const spec = all[name];
    out[`${name}.service`] = [
      '# Written by `sluice install`; `sluice uninstall` removes it.',
      '[Unit]',
      `Description=${spec.description}`,
      'Wants=network-online.target',
      'After=network-online.target',
      // At most 10 restarts in 5 minutes, then systemd gives up and says so.
      'StartLimitIntervalSec=300',
      'StartLimitBurst=10',
      '',
      '[Service]',
      'Type=simple',
      `ExecStart=${spec.exec.join(' ')}`,
      `WorkingDirectory=${word(plan.appDir)}`,
      ...spec.extra,
      ...hardening(plan),
      '',
      '[Install]',
      'WantedBy=multi-user.target',
      '',
    ].join('\n');
  }
  return out;
}

/** The environment file: read by every unit, readable only by the sluice user. */
export function renderEnvFile(opts: {
  rdiUrl: string;
  jwtSecret: string;
  /** SLUICE_RDI_CACERT/CERT/KEY/KEY_PASSWORD: paths of PEM files (and the key's passphrase). */
  rdiTls?: Readonly<Record<string, string>>;
}): string {
  const entries: [string, string][] = [
    ['SLUICE_RDI_URL', opts.rdiUrl],
    ['SLUICE_JWT_SECRET', opts.jwtSecret],
    ...Object.entries(opts.rdiTls ?? {}),
  ];
  for (const [name, value] of entries) {
    if (/[\n"\\]/.test(value))
      throw new Error(`${name} must not hold newlines, quotes or backslashes`);
  }
  return [
    '# Written by `sluice install`: the RDI database (with its credentials and TLS files) and',
    '# the key that signs login tokens. Readable by the sluice user only.',
    ...entries.map(([name, value]) => `${name}="${value}"`),
    '',
  ].join('\n');
}
