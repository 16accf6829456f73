// gradlab's oneDNN convolutions (onednn_convolutions.cc): Conv2D and its two gradients on float32 NHWC data
// with HWIO filters, the layouts TensorFlow.js keeps, on the caller's buffers. No JavaScript here: bindings.cc
// checks the arguments and calls these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace gradlab::onednn {

// One convolution's shape, as TensorFlow.js's computeConv2DInfo gives it (its 17 numbers, in this order).
struct ConvGeometry {
  int64_t n, h, w, ci, co, kh, kw, oh, ow, sh, sw, top, left, bottom, right, dh, dw;
};
constexpr size_t CONV_GEOMETRY_SIZE = 17;

enum class ConvKind { forward, backwardData, backwardWeights };

// The elements each buffer of a kernel holds, in its argument order (forward: x, filter, y; backwardData: dy,
// filter, dx; backwardWeights: x, dy, dfilter).
size_t convOperandSize(ConvKind kind, const ConvGeometry& geometry, size_t operand);

// Runs the kernel on `data` (its three buffers, in argument order, each convOperandSize long) and answers the
// implementation oneDNN chose (e.g. "jit:avx512_core"). Throws dnnl::error where oneDNN refuses the shape.
const std::string& runConv(ConvKind kind, const ConvGeometry& geometry, float* const data[3]);

// Primitives created so far, one per kernel and shape.
size_t cachedPrimitives();
// oneDNN's version, as "major.minor.patch".
std::string version();

}  // namespace gradlab::onednn
