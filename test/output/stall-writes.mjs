// Preloaded into the built CLI by test/output/signals.test.ts (node --import): the first write to
// any FileHandle (the output's temporary file) completes, then the write never returns, so a
// signal is sure to arrive while the output is being written.
import { promises as fsp } from 'node:fs';

const probe = await fsp.open(process.execPath, 'r');
const proto = Object.getPrototypeOf(probe);
await probe.close();
const write = proto.write;
proto.write = async function (...args) {
  const result = await write.apply(this, args);
  process.stderr.write('STALLED\n');
  setInterval(() => undefined, 1000); // keep the process alive until the signal
  return new Promise(() => result);
};
