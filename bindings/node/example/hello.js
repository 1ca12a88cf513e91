'use strict';
// The Node.js quick start (docs/node.md): node example/hello.js app.log
const femto = require('..');

const file = femto.Handler.file(process.argv[2] || 'app.log', {
  formatter: new femto.Formatter('%(asctime)s %(levelname)s %(name)s: %(message)s'),
});
const log = femto.getLogger('app');
log.setLevel(femto.Level.INFO);
log.addHandler(file);

log.info('started with %d workers', 4);
log.debug('not formatted: %j', { big: 'object' });
try {
  femto.Handler.fromDescription({ class: 'file' }); // no path
} catch (error) {
  console.log(`refused: ${error.message}`);
}
femto.flushAll();
