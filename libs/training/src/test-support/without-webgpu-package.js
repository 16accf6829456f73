// `node -r ./without-webgpu-package.js ...`: the process finds no `webgpu` package, as after
// `npm install --omit=optional` or on a platform Dawn ships no binary for.
const Module = require('node:module');

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'webgpu' || request.startsWith('webgpu/')) {
    const error = new Error(`Cannot find module '${request}'`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolve.call(this, request, ...rest);
};
