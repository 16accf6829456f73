// The TensorFlow.js side of the models: the network built from its description, forward pass, loss. Only
// the training code and the worker import it; `@gradlab/models` itself stays free of TensorFlow.js, so
// the api and the dashboard never load it.
export * from './src/network';
