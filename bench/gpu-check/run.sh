#!/usr/bin/env bash
# The GPU check, on a borrowed GPU machine (no Node, no registry), from the repository root, with the bundle
# `npm run gpu-check:build` made here carried beside the tree (bench/README.md, "GPU check"):
#   bash bench/gpu-check/run.sh
# Unpacks the bundle, probes the adapter, checks a one-step and a trajectory parity fixture on webgpu, times
# VGG_08 and VGG_38 against PyTorch on the same GPU, and prints one table. Under 5 minutes on an H100.
# GPU_CHECK_MODE=rehearsal (.ci/run, on every change): the same bundle and steps on a machine without a GPU,
# on the software adapter Mesa gives through EGL: the loaders are not unpacked into /, and only the one-step
# fixture's parity runs (the trajectory takes 4 minutes on the software renderer; the throughput needs a GPU).
# It exits 1 unless every parity check passed.
set -uo pipefail
mode=${GPU_CHECK_MODE:-full}
here=$(cd "$(dirname "$0")" && pwd)
bundle="$here/bundle"
work=/tmp/gradlab-gpu-check
out=${OUT:-$work/out}
mkdir -p "$work/node_modules/webgpu/dist/linux-x64" "$out"
[ -f "$bundle/gradlab-gpu.js" ] || { echo "no bundle at $bundle: run npm run gpu-check:build first, and carry bench/gpu-check/bundle" >&2; exit 2; }

unxz_to() { # xz's own tool where there is one, else Python's lzma
  if command -v xz >/dev/null; then xz -dc "$1" >"$2"; else python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],"wb"))' "$1" "$2"; fi
}

# Vulkan and EGL loaders: the driver brings its ICDs, the image no loader.
if [ "$mode" = full ] && ! ldconfig -p | grep -q 'libvulkan.so.1'; then
  for deb in "$bundle"/debs/*.deb; do dpkg -x "$deb" /; done
  ldconfig
fi
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$icd" ] && export VK_DRIVER_FILES=${VK_DRIVER_FILES:-$icd}
egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
[ -f "$egl" ] && export __EGL_VENDOR_LIBRARY_FILENAMES=${__EGL_VENDOR_LIBRARY_FILENAMES:-$egl}

unxz_to "$bundle/node.xz" "$work/node" && chmod +x "$work/node"
unxz_to "$bundle/dawn.node.xz" "$work/node_modules/webgpu/dist/linux-x64/dawn.node"
cp "$bundle/webgpu-package.json" "$work/node_modules/webgpu/package.json"
cp "$bundle/gradlab-gpu.js" "$bundle/pytorch_train_step.py" "$work/"
export GRADLAB_FIXTURE_SCRIPTS="$bundle/fixtures" PYTHON=${PYTHON:-python3}
gpu() { "$work/node" "$work/gradlab-gpu.js" "$@"; }

[ "$mode" = full ] && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null
echo "== probe"
gpu probe --json "$out/probe.json"
echo "== parity"
one=$bundle/fixtures/vgg38-conv_block_bn_rc
gpu parity "$one" --json "$out/parity-one.json" | tail -n 4
gpu parity "$one" --webgpu-products dekker --json "$out/parity-one-dekker.json" | tail -n 2
parity=("$out/parity-one.json" "$out/parity-one-dekker.json")
if [ "$mode" = rehearsal ]; then
  echo "== summary"
  gpu table "$out/probe.json" "${parity[@]}" | tee "$out/table.md"
  for result in "${parity[@]}"; do grep -q '"pass":true' "$result" || { echo "parity failed: $result" >&2; exit 1; }; done
  exit 0
fi
gpu parity "$bundle/fixtures/vgg38-bn_rc-trajectory" --json "$out/parity-trajectory.json" | tail -n 4
echo "== throughput against PyTorch on this GPU"
timeout 240 "$work/node" "$work/gradlab-gpu.js" train --backend webgpu --vs-pytorch --blocks 0,5 --json "$out/train.json"
echo "== summary"
gpu table "$out/probe.json" "${parity[@]}" "$out/parity-trajectory.json" "$out/train.json" | tee "$out/table.md"
