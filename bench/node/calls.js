'use strict';
// The Node.js binding's cost per call: a disabled call and an enabled
// record to a file handler, 1,000,000 each, best of 5 rounds.
//   FEMTOLOGGING_LIBRARY=.../libfemtologging.so node bench/node/calls.js
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const femto = require('../../bindings/node');

const N = 1_000_000;
const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'femto-bench-')), 'bench.log');
const handler = femto.Handler.file(file);
const log = femto.getLogger('bench.node');
log.setPropagate(false);
log.setLevel(femto.Level.INFO);
log.addHandler(handler);

function best(run) {
  let fastest = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    run();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / N);
  }
  return fastest;
}

const disabled = best(() => {
  for (let i = 0; i < N; i++) log.debug('x %d', i);
});
const enabled = best(() => {
  for (let i = 0; i < N; i++) log.info('record %d', i);
  handler.flush(60_000);
});
console.log(`disabled call: ${disabled.toFixed(1)} ns; enabled record to a file (flushed): ${enabled.toFixed(0)} ns`);
fs.rmSync(path.dirname(file), { recursive: true });
