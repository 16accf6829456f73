// gradlab's oneDNN kernels: Conv2D and its two gradients on float32 NHWC data with HWIO
// filters, the layouts TensorFlow.js keeps, read and written in place (the caller passes Float32Arrays over the
// wasm backend's heap).
//
// Layouts: every operand's layout is left to oneDNN (format_tag::any), as PyTorch does for its default NCHW
// tensors, and reordered from and to TensorFlow.js's where oneDNN picks another (a blocked nChw16c, say). That
// costs a reorder per operand but gives PyTorch's numbers: with the activations kept in NHWC oneDNN chooses
// other kernels (brgconv), which sum in another order, and in a vanished VGG_38 that order alone moved the first
// layers' gradients by 2e-3, as far as PyTorch's own channels-last run lands (the parity fixtures' bound: 1e-3).
//
// One primitive per kernel and shape, created once: creating one costs milliseconds, running a small one less.
#include "onednn_convolutions.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace gradlab::onednn {
namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

dnnl::engine& cpuEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& cpuStream() {
  static dnnl::stream stream(cpuEngine());
  return stream;
}

// A convolution's shape with oneDNN's descriptions of it, and the key of its primitives.
struct Geometry : ConvGeometry {
  std::string key(const char* kind) const {
    std::ostringstream out;
    out << kind;
    for (memory::dim d : {n, h, w, ci, co, kh, kw, oh, ow, sh, sw, top, left, bottom, right, dh, dw}) out << ',' << d;
    return out.str();
  }

  memory::desc src(tag layout = tag::nhwc) const { return {{n, ci, h, w}, dt::f32, layout}; }
  memory::desc dst(tag layout = tag::nhwc) const { return {{n, co, oh, ow}, dt::f32, layout}; }
  memory::desc weights(tag layout = tag::hwio) const { return {{co, ci, kh, kw}, dt::f32, layout}; }
  memory::dims strides() const { return {sh, sw}; }
  // oneDNN counts dilation from 0 (no dilation), TensorFlow.js from 1.
  memory::dims dilates() const { return {dh - 1, dw - 1}; }
  memory::dims padLow() const { return {top, left}; }
  memory::dims padHigh() const { return {bottom, right}; }

  // The forward primitive's description: the primitive itself, and the hint both gradients are made from.
  dnnl::convolution_forward::primitive_desc forward() const {
    dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                                         src(tag::any), weights(tag::any), dst(tag::any), strides(), dilates(),
                                         padLow(), padHigh());
    return {desc, cpuEngine()};
  }
};

// One argument of a primitive: TensorFlow.js's layout, and oneDNN's when it chose another, with a buffer of
// that layout (owned here) and the reorder between the two.
struct Operand {
  int argument;
  memory::desc user;
  bool reordered;
  std::shared_ptr<memory> chosen;  // shared: operands are copied into a Kernel

  Operand(int argument, const memory::desc& user, const memory::desc& chosen)
      : argument(argument), user(user), reordered(chosen != user) {
    if (reordered) this->chosen = std::make_shared<memory>(chosen, cpuEngine());
  }
};

// A primitive for one kernel and shape: its inputs, then its output.
struct Kernel {
  dnnl::primitive primitive;
  std::string implementation;
  std::vector<Operand> operands;

  // Runs it on the caller's buffers (in `operands` order): inputs reordered in, the output reordered out.
  void run(const std::vector<float*>& data) {
    std::unordered_map<int, memory> args;
    std::vector<std::pair<memory, memory*>> outputs;
    for (size_t i = 0; i < operands.size(); i++) {
      Operand& operand = operands[i];
      memory user(operand.user, cpuEngine(), data[i]);
      bool isOutput = i + 1 == operands.size();
      if (!operand.reordered) {
        args.emplace(operand.argument, user);
      } else if (isOutput) {
        args.emplace(operand.argument, *operand.chosen);
        outputs.emplace_back(user, operand.chosen.get());
      } else {
        dnnl::reorder(user, *operand.chosen).execute(cpuStream(), user, *operand.chosen);
        args.emplace(operand.argument, *operand.chosen);
      }
    }
    primitive.execute(cpuStream(), args);
    for (auto& [user, chosen] : outputs) dnnl::reorder(*chosen, user).execute(cpuStream(), *chosen, user);
    cpuStream().wait();
  }
};

std::unordered_map<std::string, Kernel> cache;

template <typename Make>
Kernel& cached(const std::string& key, Make make) {
  auto found = cache.find(key);
  if (found != cache.end()) return found->second;
  return cache.emplace(key, make()).first->second;
}

Kernel& forwardKernel(const Geometry& g) {
  return cached(g.key("forward"), [&] {
    auto pd = g.forward();
    return Kernel{dnnl::convolution_forward(pd),
                  pd.impl_info_str(),
                  {{DNNL_ARG_SRC, g.src(), pd.src_desc()},
                   {DNNL_ARG_WEIGHTS, g.weights(), pd.weights_desc()},
                   {DNNL_ARG_DST, g.dst(), pd.dst_desc()}}};
  });
}

Kernel& backwardDataKernel(const Geometry& g) {
  return cached(g.key("backward-data"), [&] {
    dnnl::convolution_backward_data::desc desc(dnnl::algorithm::convolution_direct, g.src(tag::any),
                                               g.weights(tag::any), g.dst(tag::any), g.strides(), g.dilates(),
                                               g.padLow(), g.padHigh());
    dnnl::convolution_backward_data::primitive_desc pd(desc, cpuEngine(), g.forward());
    return Kernel{dnnl::convolution_backward_data(pd),
                  pd.impl_info_str(),
                  {{DNNL_ARG_DIFF_DST, g.dst(), pd.diff_dst_desc()},
                   {DNNL_ARG_WEIGHTS, g.weights(), pd.weights_desc()},
                   {DNNL_ARG_DIFF_SRC, g.src(), pd.diff_src_desc()}}};
  });
}

Kernel& backwardWeightsKernel(const Geometry& g) {
  return cached(g.key("backward-weights"), [&] {
    dnnl::convolution_backward_weights::desc desc(dnnl::algorithm::convolution_direct, g.src(tag::any),
                                                  g.weights(tag::any), g.dst(tag::any), g.strides(), g.dilates(),
                                                  g.padLow(), g.padHigh());
    dnnl::convolution_backward_weights::primitive_desc pd(desc, cpuEngine(), g.forward());
    return Kernel{dnnl::convolution_backward_weights(pd),
                  pd.impl_info_str(),
                  {{DNNL_ARG_SRC, g.src(), pd.src_desc()},
                   {DNNL_ARG_DIFF_DST, g.dst(), pd.diff_dst_desc()},
                   {DNNL_ARG_DIFF_WEIGHTS, g.weights(), pd.diff_weights_desc()}}};
  });
}


Kernel& kernelFor(ConvKind kind, const ConvGeometry& geometry) {
  Geometry g{geometry};
  switch (kind) {
    case ConvKind::forward:
      return forwardKernel(g);
    case ConvKind::backwardData:
      return backwardDataKernel(g);
    case ConvKind::backwardWeights:
      return backwardWeightsKernel(g);
  }
  throw std::logic_error("unknown convolution kind");
}

}  // namespace

size_t convOperandSize(ConvKind kind, const ConvGeometry& geometry, size_t operand) {
  return kernelFor(kind, geometry).operands.at(operand).user.get_size() / sizeof(float);
}

const std::string& runConv(ConvKind kind, const ConvGeometry& geometry, float* const data[3]) {
  Kernel& kernel = kernelFor(kind, geometry);
  kernel.run({data[0], data[1], data[2]});
  return kernel.implementation;
}

size_t cachedPrimitives() { return cache.size(); }

std::string version() {
  const dnnl_version_t* v = dnnl_version();
  std::ostringstream out;
  out << v->major << '.' << v->minor << '.' << v->patch;
  return out.str();
}

}  // namespace gradlab::onednn
