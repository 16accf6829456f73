# syntax=docker/dockerfile:1
# gradlab's images, one target per process (docker-compose.yml builds them all):
#   api         the api; `node dist/scripts/db-migrate.js` in it is the one-shot migrate
#   worker      a CPU training worker (TensorFlow.js wasm backend, its convolutions by oneDNN: wasm+onednn)
#   worker-webgpu  a GPU training worker on WebGPU: Dawn's prebuilt dawn.node on the driver's Vulkan (any
#                  driver of today: proven on an H100/H200 with driver 580, see bench/README.md)
#   worker-gpu  a GPU training worker: @tensorflow/tfjs-node-gpu 4.22 on CUDA 11.2 + cuDNN 8.1 (on paper only)
#   web         the dashboard (Next's standalone server)
# Every image runs as a non-root user and holds the production build (npm run build) and production
# dependencies only. Base images are pinned; Node is the version the tests run on.

ARG NODE_IMAGE=node:24.22.3-bookworm-slim
# libtensorflow 2.9.1, which tfjs-node-gpu 4.22 downloads, is built against CUDA 11.2 and cuDNN 8.1.
ARG CUDA_IMAGE=nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04

# --- build: all dependencies, then `npm run build` (type check, SWC to dist/, next build) --------------
FROM ${NODE_IMAGE} AS build
# node-gyp's tools and oneDNN's headers, for @gradlab/native-kernels' addon (libs/native-kernels).
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ libdnnl-dev \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NX_DAEMON=false NX_NO_CLOUD=true NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/
COPY apps/cli/package.json apps/cli/
COPY apps/web/package.json apps/web/
COPY apps/worker/package.json apps/worker/
COPY libs/analysis/package.json libs/analysis/
COPY libs/api-client/package.json libs/api-client/
COPY libs/contracts/package.json libs/contracts/
COPY libs/figures/package.json libs/figures/
COPY libs/models/package.json libs/models/
COPY libs/native-kernels/package.json libs/native-kernels/
COPY libs/training/package.json libs/training/
# No install scripts: the only ones that matter are tfjs-node's libtensorflow downloads, which no build
# step needs. The Prisma client is generated explicitly instead (the postinstall script), and the oneDNN
# addon by its own package's install step, which `npm run build` copies into dist/.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN node scripts/prisma-generate.js && npm rebuild @gradlab/native-kernels \
  && test -f libs/native-kernels/build/Release/gradlab_onednn.node && npm run build

# --- production dependencies, one pruned copy per image ------------------------------------------------
FROM ${NODE_IMAGE} AS production-modules
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/apps/api/package.json apps/api/
COPY --from=build /app/apps/cli/package.json apps/cli/
COPY --from=build /app/apps/web/package.json apps/web/
COPY --from=build /app/apps/worker/package.json apps/worker/
COPY --from=build /app/libs/analysis/package.json libs/analysis/
COPY --from=build /app/libs/api-client/package.json libs/api-client/
COPY --from=build /app/libs/contracts/package.json libs/contracts/
COPY --from=build /app/libs/figures/package.json libs/figures/
COPY --from=build /app/libs/models/package.json libs/models/
COPY --from=build /app/libs/native-kernels/package.json libs/native-kernels/
COPY --from=build /app/libs/training/package.json libs/training/
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts
COPY scripts/prune-image-modules.js scripts/
RUN for image in api worker worker-webgpu; do cp -a node_modules "modules-$image" && node scripts/prune-image-modules.js "$image" "modules-$image"; done

# --- api (and migrate) ----------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS api
WORKDIR /app
ENV NODE_ENV=production
COPY --from=production-modules /app/modules-api ./node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/dist ./dist
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/apps/api/src/main.js"]

# --- CPU worker ----------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS worker
# oneDNN's library (and libgomp) for the addon the build put in dist/: the worker trains on wasm+onednn.
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libdnnl2 \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/app/data
COPY --from=production-modules /app/modules-worker ./node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/dist ./dist
# Datasets (and the synthetic one, written on first use) live in a volume mounted here, owned by the worker.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
CMD ["node", "--enable-source-maps", "dist/apps/worker/src/main.js"]

# --- WebGPU worker: the webgpu backend on the GPU driver's Vulkan ----------------------------------------
# Needs no CUDA in the image: the NVIDIA container toolkit mounts the driver, and with the graphics
# capability its Vulkan ICD, which the loader (libvulkan1) finds. TF_BACKEND=webgpu makes a missing GPU fail
# loudly instead of falling back to wasm.
FROM ${NODE_IMAGE} AS worker-webgpu
RUN apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libvulkan1 libegl1 \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/app/data TF_BACKEND=webgpu NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics
COPY --from=production-modules /app/modules-worker-webgpu ./node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/data && chown node:node /app/data
USER node
CMD ["node", "--enable-source-maps", "dist/apps/worker/src/main.js"]

# --- GPU worker: dependencies installed on the CUDA image itself, tfjs-node-gpu's install script alone ---
FROM ${NODE_IMAGE} AS node-binary

FROM ${CUDA_IMAGE} AS worker-gpu-modules
# Node from the official image (glibc 2.28+; Ubuntu 20.04 has 2.31); make, g++ and python for node-gyp,
# should tfjs-node-gpu find no prebuilt binding to download.
COPY --from=node-binary /usr/local/bin/node /usr/local/bin/node
COPY --from=node-binary /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
  && apt-get update \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=production-modules /app/package.json /app/package-lock.json ./
COPY --from=production-modules /app/apps ./apps
COPY --from=production-modules /app/libs ./libs
COPY --from=production-modules /app/scripts ./scripts
# Every install script stays off except tfjs-node-gpu's, which downloads libtensorflow 2.9.1 (GPU).
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts \
  && npm rebuild @tensorflow/tfjs-node-gpu \
  && node scripts/prune-image-modules.js worker-gpu node_modules

FROM ${CUDA_IMAGE} AS worker-gpu
COPY --from=node-binary /usr/local/bin/node /usr/local/bin/node
RUN groupadd --gid 1000 gradlab && useradd --uid 1000 --gid gradlab --create-home gradlab
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/app/data TF_BACKEND=tfjs-node-gpu
COPY --from=worker-gpu-modules /app/node_modules ./node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/dist ./dist
RUN mkdir -p /app/data && chown gradlab:gradlab /app/data
USER gradlab
CMD ["node", "--enable-source-maps", "dist/apps/worker/src/main.js"]

# --- dashboard -----------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS web
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOSTNAME=0.0.0.0
# The standalone output: server.js, the static assets, and only the node_modules it traced.
COPY --from=build /app/apps/web/.next/standalone ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/login').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "apps/web/server.js"]
