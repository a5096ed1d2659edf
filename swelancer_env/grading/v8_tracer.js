// Record the block coverage of a Node.js app server, test by test (the Node side of
// swelancer_env/grading/line_tracer.py, with the same protocol).
//
//   node --require v8_tracer.js SERVER ARGS...      with SWELANCER_COVERAGE_OUT=OUT_DIR
//
// V8's precise coverage runs from the start (the inspector module, in process: no port). On
// SIGUSR2 it writes the scripts' coverage since the last signal to OUT_DIR/<label>.v8.json
// (the label read from OUT_DIR/label), starts afresh, and writes OUT_DIR/<label>.done. Its pid
// is in OUT_DIR/server.pid. Only for a recording on the clean tree, never during a grading.
'use strict';
const fs = require('fs');
const path = require('path');
const inspector = require('inspector');

const out = process.env.SWELANCER_COVERAGE_OUT;
if (out) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  fs.writeFileSync(path.join(out, 'server.pid'), String(process.pid));
  process.on('SIGUSR2', () => {
    const label = fs.readFileSync(path.join(out, 'label'), 'utf8').trim();
    session.post('Profiler.takePreciseCoverage', (err, taken) => {
      const scripts = err ? [] : taken.result
        .filter((s) => s.url.startsWith('file://') && !s.url.includes('/node_modules/'))
        .map((s) => [s.url, s.functions]);
      fs.writeFileSync(path.join(out, `${label}.v8.json`), JSON.stringify(scripts));
      fs.writeFileSync(path.join(out, `${label}.done`), '');
    });
  });
}
