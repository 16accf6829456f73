// The entry point of each pthread of the wasm backend's threaded build under Node (see wasm-threads.ts).
// tfjs hands its pthread workers their code as Blob URLs, which Node's worker_threads cannot load: this file
// runs the same worker code that tfjs would have put in that Blob, and points the worker's one remaining
// Blob URL (the emscripten glue it imports) at the same glue on disk.
'use strict';
const path = require('node:path');

const wasmOut = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
const glue = path.join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js');
const { wasmWorkerContents } = require(path.join(wasmOut, 'tfjs-backend-wasm-threaded-simd.worker.js'));

URL.createObjectURL = () => glue;
URL.revokeObjectURL = () => undefined;
// The worker code is kept in a template literal whose "\n" escapes became real newlines; tfjs escapes them
// back the same way before it makes its Blob.
new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n'))(require, glue);
