// Stand-ins for the Node modules that pipeline/ imports to read folders from disk. The UI hands
// the loader text only, so the file functions are never reached; basename is the one path
// function a job check calls on its happy path.

function unavailable(name: string): never {
  throw new Error(`${name} is not available in the browser`);
}

export const open = (): never => unavailable('open');
export const readdir = (): never => unavailable('readdir');
export const readFile = (): never => unavailable('readFile');
export const writeFile = (): never => unavailable('writeFile');
export const access = (): never => unavailable('access');
export const fileURLToPath = (): never => unavailable('fileURLToPath');

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function dirname(path: string): string {
  const at = path.lastIndexOf('/');
  return at <= 0 ? (at === 0 ? '/' : '.') : path.slice(0, at);
}

export function join(...parts: string[]): string {
  return parts.filter((part) => part.length > 0).join('/');
}
