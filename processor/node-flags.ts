// V8 flags every launcher passes to the processor process. Without a cap V8 lets the heap
// grow to a quarter of the machine's memory before collecting hard; the processor holds at
// most three reads (one fetched, one planned, one being written), so a fixed old space keeps
// its memory bounded and predictable.
export const PROCESSOR_NODE_FLAGS: readonly string[] = [
  '--max-old-space-size=256',
  '--max-semi-space-size=32',
];
