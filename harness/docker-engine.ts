// A private Docker engine for tests: containerd and dockerd from scripts/install-docker.sh, each
// a registered child process on its own socket, state and exec folders, with the flags this kind
// of machine needs (no iptables, no forwarding, no default bridge, cgroupfs, ulimits it can
// grant). The image store may live in a cache folder so that layers survive between runs; every
// container, network and volume is removed before and after use. Stopped by pid, even on failure.
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  runCommand,
  runCommandRaw,
  type CommandResult,
  type RunCommandOptions,
} from '../debezium-config/launch-run-command.ts';
import type { ProcessRegistry } from './process-registry.ts';
import { startServerProcess } from './server-process.ts';

export interface DockerEngineOptions {
  /** Folder printed by scripts/install-docker.sh (the unpacked packages and the compose plugin). */
  readonly engineDir: string;
  /** Image store; a cache folder keeps layers between runs. Created. */
  readonly dataRoot: string;
  /** Short temporary folder for sockets, exec root, containerd state, logs and CLI config. */
  readonly runDir: string;
  readonly registry: ProcessRegistry;
}

export interface DockerEngine {
  /** unix:// address of dockerd's socket. */
  readonly host: string;
  /** Environment for the docker CLI and `docker compose` (DOCKER_HOST, DOCKER_CONFIG, PATH). */
  readonly env: NodeJS.ProcessEnv;
  readonly dockerPath: string;
  /** Runs `docker <args>`; rejects on a non-zero exit with the command and its stderr. */
  docker(args: readonly string[], opts?: RunCommandOptions): Promise<CommandResult>;
  /** The same, resolving with any exit code. */
  dockerRaw(args: readonly string[], opts?: RunCommandOptions): Promise<CommandResult>;
  /** Ids of every container, network (besides the built-in ones) and volume the engine has. */
  leftovers(): Promise<Leftovers>;
  /** Removes every container, user network and volume (not images). */
  removeAll(): Promise<void>;
}

export interface Leftovers {
  readonly containers: readonly string[];
  readonly networks: readonly string[];
  readonly volumes: readonly string[];
}

// Each flag was needed on this kind of machine (../shared/CONTAINERS-K8S.md): the sandbox may
// not touch iptables or forwarding and has no CAP_SYS_RESOURCE for higher ulimits.
const DOCKERD_FLAGS = [
  '--iptables=false',
  '--ip6tables=false',
  '--ip-forward=false',
  '--bridge=none',
  '--exec-opt',
  'native.cgroupdriver=cgroupfs',
  '--default-ulimit',
  'nofile=20000:20000',
  '--default-ulimit',
  'nproc=32768:32768',
  '--storage-driver=overlay2',
];
const BUILT_IN_NETWORKS = new Set(['bridge', 'host', 'none']);

/** Starts containerd, then dockerd; resolves once `docker version` answers. */
export async function startDockerEngine(opts: DockerEngineOptions): Promise<DockerEngine> {
  const { engineDir, dataRoot, runDir, registry } = opts;
  const binDirs = [join(engineDir, 'usr', 'bin'), join(engineDir, 'usr', 'sbin')];
  const path = [
    ...binDirs,
    '/usr/local/sbin',
    '/usr/local/bin',
    '/usr/sbin',
    '/usr/bin',
    '/sbin',
    '/bin',
  ];
  const baseEnv: NodeJS.ProcessEnv = { ...process.env, PATH: path.join(':') };
  const containerdSocket = join(runDir, 'containerd.sock');
  const dockerSocket = join(runDir, 'docker.sock');
  const host = `unix://${dockerSocket}`;
  const configDir = join(runDir, 'docker-config');
  await mkdir(dataRoot, { recursive: true });
  await mkdir(join(configDir, 'cli-plugins'), { recursive: true });
  await symlink(
    join(engineDir, 'cli-plugins', 'docker-compose'),
    join(configDir, 'cli-plugins', 'docker-compose'),
  );
  await writeFile(join(configDir, 'config.json'), '{}\n');
  const dockerPath = join(engineDir, 'usr', 'bin', 'docker');
  const env: NodeJS.ProcessEnv = { ...baseEnv, DOCKER_HOST: host, DOCKER_CONFIG: configDir };
  const dockerRaw = (args: readonly string[], runOpts: RunCommandOptions = {}) =>
    runCommandRaw(dockerPath, args, { env, ...runOpts });
  const docker = (args: readonly string[], runOpts: RunCommandOptions = {}) =>
    runCommand(dockerPath, args, { env, ...runOpts });

  await claimDataRoot(dataRoot);
  // Registered first, so it runs last: dockerd leaves the network namespace it made for itself
  // (exec/netns/default) mounted, and the folders could not be removed.
  const release = async (): Promise<void> => {
    await unmountUnder([runDir, dataRoot]);
    await rm(join(dataRoot, OWNER_FILE), { force: true });
  };
  registry.add({ name: 'docker engine mounts', pid: undefined, stop: release, kill: release });
  await startServerProcess({
    registry,
    spawn: {
      name: 'containerd',
      command: join(engineDir, 'usr', 'bin', 'containerd'),
      args: [
        '--root',
        join(runDir, 'containerd-root'),
        '--state',
        join(runDir, 'containerd-state'),
        '--address',
        containerdSocket,
      ],
      logFile: join(runDir, 'containerd.log'),
      env: baseEnv,
      stopGraceMs: 15_000,
    },
    isReady: async () =>
      (
        await runCommandRaw(
          join(engineDir, 'usr', 'bin', 'ctr'),
          ['--address', containerdSocket, 'version'],
          {
            env: baseEnv,
            timeoutMs: 5_000,
          },
        )
      ).code === 0,
  });
  await startServerProcess({
    registry,
    spawn: {
      name: 'dockerd',
      command: join(engineDir, 'usr', 'sbin', 'dockerd'),
      args: [
        ...DOCKERD_FLAGS,
        '--data-root',
        dataRoot,
        '--exec-root',
        join(runDir, 'exec'),
        '--pidfile',
        join(runDir, 'dockerd.pid'),
        '--host',
        host,
        '--containerd',
        containerdSocket,
        '--init-path',
        join(engineDir, 'usr', 'bin', 'tini-static'),
        '--userland-proxy-path',
        join(engineDir, 'usr', 'sbin', 'docker-proxy'),
      ],
      logFile: join(runDir, 'dockerd.log'),
      env: baseEnv,
      // dockerd stops its containers first (10 s each at most) before it exits.
      stopGraceMs: 30_000,
    },
    readyTimeoutMs: 60_000,
    isReady: async () => (await dockerRaw(['version'], { timeoutMs: 5_000 })).code === 0,
  });

  const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');
  const leftovers = async (): Promise<Leftovers> => {
    const [containers, networks, volumes] = await Promise.all([
      docker(['ps', '-aq']),
      docker(['network', 'ls', '--format', '{{.Name}}']),
      docker(['volume', 'ls', '-q']),
    ]);
    return {
      containers: lines(containers.stdout),
      networks: lines(networks.stdout).filter((name) => !BUILT_IN_NETWORKS.has(name)),
      volumes: lines(volumes.stdout),
    };
  };
  const removeAll = async (): Promise<void> => {
    const left = await leftovers();
    if (left.containers.length > 0) await docker(['rm', '-f', '-v', ...left.containers]);
    if (left.networks.length > 0) await docker(['network', 'rm', ...left.networks]);
    if (left.volumes.length > 0) await docker(['volume', 'rm', '-f', ...left.volumes]);
  };
  // A run that died before its clean-up leaves containers in a cached image store; dockerd may
  // even have restarted them (restart policies). None may survive into this run.
  await removeAll();
  return { host, env, dockerPath, docker, dockerRaw, leftovers, removeAll };
}

const OWNER_FILE = '.sluice-engine.pid';

/** Two engines on one image store would corrupt it: the first one's pid is recorded there. */
async function claimDataRoot(dataRoot: string): Promise<void> {
  const owner = Number(await readFile(join(dataRoot, OWNER_FILE), 'utf8').catch(() => 'NaN'));
  if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
    throw new Error(`the Docker image store ${dataRoot} is in use by process ${owner}`);
  }
  await writeFile(join(dataRoot, OWNER_FILE), `${process.pid}\n`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Unmounts every mount point inside the given folders, deepest first. */
async function unmountUnder(folders: readonly string[]): Promise<void> {
  const mountInfo = await readFile('/proc/self/mountinfo', 'utf8');
  const points = mountInfo
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    // mountinfo escapes spaces and the like as octal (\040).
    .map((point) =>
      point.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))),
    )
    .filter((point) => folders.some((folder) => point.startsWith(`${folder}/`)))
    .sort((a, b) => b.length - a.length);
  const failures: string[] = [];
  for (const point of points) {
    const result = await runCommandRaw('umount', [point]);
    if (result.code !== 0) failures.push(`${point}: ${result.stderr.trim()}`);
  }
  if (failures.length > 0) throw new Error(`could not unmount:\n${failures.join('\n')}`);
}
