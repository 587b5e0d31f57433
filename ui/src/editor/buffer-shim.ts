// pipeline/yaml-document.ts measures a document with Node's Buffer.byteLength before parsing
// it (the 1 MiB limit); the browser has no Buffer, so this gives it that one function.

const encoder = new TextEncoder();

if (!('Buffer' in globalThis)) {
  Object.defineProperty(globalThis, 'Buffer', {
    value: { byteLength: (text: string) => encoder.encode(text).byteLength },
  });
}
