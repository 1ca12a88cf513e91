'use strict';
// node --test: the binding against an installed libfemtologging.so
// (FEMTOLOGGING_LIBRARY, set by bindings/node/run.sh).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const femto = require('..');

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'femtologging-node-'));
test.after(() => fs.rmSync(directory, { recursive: true, force: true }));

/** A logger writing only to a new file handler. */
function isolated(name, format) {
  const file = path.join(directory, `${name}.log`);
  const formatter = format ? new femto.Formatter(format) : null;
  const handler = femto.Handler.file(file, { formatter });
  if (formatter) formatter.free(); // the handler keeps its own reference
  const logger = femto.getLogger(`node.${name}`);
  logger.setPropagate(false);
  logger.setLevel(femto.Level.DEBUG);
  logger.clearHandlers();
  logger.addHandler(handler);
  return { logger, handler, file };
}

test('records are formatted by the engine', () => {
  const { logger, handler, file } = isolated('format', '%(name)s %(levelname)s %(message)s');
  logger.info('user %s has %d items', 'ada', 3);
  logger.warning({ id: 7 });
  logger.log(25, 'a custom level');
  assert.equal(handler.flush(), true);
  assert.equal(
    fs.readFileSync(file, 'utf8'),
    'node.format INFO user ada has 3 items\nnode.format WARNING { id: 7 }\nnode.format Level 25 a custom level\n',
  );
  assert.equal(logger.name, 'node.format');
  handler.free();
});

test('below the level nothing is formatted', () => {
  const { logger, handler, file } = isolated('disabled');
  logger.setLevel(femto.Level.WARNING);
  let formatted = 0;
  const costly = { toString: () => { formatted += 1; return 'costly'; } };
  logger.debug('%s', costly);
  logger.info('%s', costly);
  assert.equal(formatted, 0);
  assert.equal(logger.isEnabledFor(femto.Level.INFO), false);
  logger.error('%s', costly);
  assert.equal(formatted, 1);
  handler.flush();
  assert.equal(fs.readFileSync(file, 'utf8'), 'costly\n');
  handler.free();
});

test('worker threads log into the same engine, every record counted', async () => {
  const { handler, file } = isolated('workers');
  const workers = 4;
  const each = 5000;
  const script = `
    const { workerData } = require('node:worker_threads');
    const femto = require(${JSON.stringify(path.resolve(__dirname, '..'))});
    const logger = femto.getLogger('node.workers');
    for (let i = 0; i < workerData.each; i++) logger.info('worker %d record %d', workerData.id, i);
  `;
  await Promise.all(
    Array.from({ length: workers }, (_, id) => new Promise((resolve, reject) => {
      const worker = new Worker(script, { eval: true, workerData: { id, each } });
      worker.on('error', reject);
      worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited ${code}`))));
    })),
  );
  assert.equal(handler.flush(), true);
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  assert.equal(lines.length, workers * each);
  assert.deepEqual(handler.stats(), { size: 32, written: workers * each, dropped: 0, errors: 0 });
  handler.free();
});

test('bad input is a FemtoError with the engine message', () => {
  assert.throws(
    () => femto.Handler.fromDescription({ class: 'rotating_file', path: 'x.log', max_bites: 1 }),
    (error) => error instanceof femto.FemtoError && error.status === femto.Status.INVALID_ARGUMENT &&
      error.message.includes('max_bites') && error.call === 'femto_handler_new',
  );
  assert.throws(
    () => femto.Handler.file(path.join(directory, 'no', 'such', 'dir.log')),
    (error) => error instanceof femto.FemtoError && error.status === femto.Status.IO,
  );
  assert.throws(() => femto.configureToml('[loggers.x]\nlevel = "LOUD"\n'), /LOUD/);
  assert.throws(() => femto.Handler.file(path.join(directory, 'x.log'), { overflow: 'sometimes' }), TypeError);
  const handler = femto.Handler.fromDescription({ class: 'stream', stream: 'stderr' });
  handler.free();
  handler.free(); // twice is harmless
  assert.throws(() => handler.flush(), /used after free/);
});

test('a second copy of the package shares the engine and the types', () => {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'femtologging-copy-'));
  fs.cpSync(path.resolve(__dirname, '..', 'lib'), path.join(copy, 'lib'), { recursive: true });
  fs.symlinkSync(path.resolve(__dirname, '..', 'node_modules'), path.join(copy, 'node_modules'));
  try {
    const second = require(path.join(copy, 'lib', 'index.js'));
    assert.notEqual(second, femto);
    const koffi = require('koffi');
    const address = koffi.address(femto.getLogger('node.copy').raw);
    assert.ok(address > 0n);
    assert.equal(koffi.address(second.getLogger('node.copy').raw), address);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
});

test('a configuration file configures JavaScript loggers', () => {
  const file = path.join(directory, 'configured.log');
  femto.configureToml(
    '[formatters.short]\nformat = "%(name)s %(message)s"\n' +
      `[handlers.file]\nclass = "file"\npath = ${JSON.stringify(file)}\nformatter = "short"\n` +
      '[loggers."node.configured"]\nlevel = "INFO"\nhandlers = ["file"]\npropagate = false\n',
  );
  const logger = femto.getLogger('node.configured');
  logger.debug('hidden');
  logger.info('shown');
  assert.equal(femto.flushAll(), true);
  assert.equal(fs.readFileSync(file, 'utf8'), 'node.configured shown\n');
});
