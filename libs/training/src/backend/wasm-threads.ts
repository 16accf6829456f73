import os from 'node:os';
import path from 'node:path';
import workerThreads from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';

/** The most threads the wasm backend's XNNPACK pool takes (its C side caps it at 8). */
export const MAX_WASM_THREADS = 8;

/**
 * Makes the next start of the wasm backend use its multi-threaded XNNPACK build with `threads` threads.
 * tfjs 4.22 ships that build but turns it off in Node (tensorflow/tfjs#3830). Four things stand in the way,
 * each changed only while `start` runs:
 * - the WASM_HAS_MULTITHREAD_SUPPORT flag is false under Node: set it;
 * - the pthread workers' code comes as Blob URLs, which Node's Worker cannot load: URL.createObjectURL answers
 *   with wasm-pthread-worker.js instead, which runs the same code;
 * - the C side caps the pool at half the logical cores (it assumes two hyper-threads per core): os.cpus()
 *   reports `threads` x 2 cores while the module starts;
 * - emscripten refs each worker that runs a pthread, and XNNPACK's pool threads never end, so the process
 *   could never exit by itself: the workers' ref() does nothing. Every call into XNNPACK is synchronous
 *   (the main thread waits for the pool), so nothing asynchronous depends on them.
 * Must run before the wasm backend is first initialised in this process.
 */
export async function withWasmThreads<T>(threads: number, start: () => Promise<T>): Promise<T> {
  // Loaded here, not at the top: loading it registers the wasm backend, which only select-backend may do.
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  if (!Number.isInteger(threads) || threads < 1)
    throw new Error(`wasm threads must be a whole number from 1, got ${threads}`);
  const count = Math.min(MAX_WASM_THREADS, threads);
  wasm.setThreadsCount(count);
  if (count === 1) return start();

  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  const restore = [
    replace(URL, 'createObjectURL', (blob: Blob) =>
      blob.type === 'application/javascript' ? PTHREAD_ENTRY : originalCreateObjectURL(blob),
    ),
    replace(os, 'cpus', () => Array(count * 2).fill(originalCpus()[0])),
    replace(workerThreads, 'Worker', PthreadWorker),
  ];
  try {
    return await start();
  } finally {
    restore.forEach((undo) => undo());
  }
}

const PTHREAD_ENTRY = path.join(__dirname, 'wasm-pthread-worker.js');
const originalCreateObjectURL = URL.createObjectURL.bind(URL);
const originalCpus = os.cpus;

/** A worker_threads Worker that never holds the process open (see withWasmThreads). */
class PthreadWorker extends workerThreads.Worker {
  override ref(): void {
    // Deliberately nothing: emscripten unrefs a worker once it has loaded, and refs it again to run a pthread.
  }
}

function replace<O extends object, K extends keyof O>(owner: O, key: K, value: unknown): () => void {
  const original = owner[key];
  owner[key] = value as O[K];
  return () => {
    owner[key] = original;
  };
}

/** The threads the wasm backend's pool actually has (1 before the backend starts or without threads). */
export function wasmThreadCount(): number {
  try {
    return (
      require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm')
    ).getThreadsCount();
  } catch {
    return 1;
  }
}
