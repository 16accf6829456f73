// `node -r ./without-libdnnl.js ...`: the oneDNN addon is built but its shared library is gone (an image
// with the addon and without the libdnnl2 package): loading it fails as the dynamic loader says.
const Module = require('node:module');

const loadNative = Module._extensions['.node'];
Module._extensions['.node'] = function (module, filename, ...rest) {
  if (filename.endsWith('gradlab_onednn.node'))
    throw new Error(`libdnnl.so.2: cannot open shared object file: No such file or directory`);
  return loadNative.call(this, module, filename, ...rest);
};
