// The addon's entry points: the plain C++ kernels of elementwise_kernels.cc (batch norm, leaky_relu's gradient,
// Adam's step), and here gradlab's oneDNN kernels: Conv2D and its two gradients on float32 NHWC data with HWIO
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
#include <napi.h>
#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>

#include "elementwise_kernels.h"

#include <memory>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

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

// One convolution's shape, as TensorFlow.js's computeConv2DInfo gives it.
struct Geometry {
  memory::dim n, h, w, ci, co, kh, kw, oh, ow, sh, sw, top, left, bottom, right, dh, dw;

  static Geometry from(const Napi::Value& value) {
    if (!value.IsArray()) throw Napi::TypeError::New(value.Env(), "geometry: expected an array of 17 numbers");
    auto values = value.As<Napi::Array>();
    if (values.Length() != 17) throw Napi::TypeError::New(value.Env(), "geometry: expected 17 numbers");
    std::vector<memory::dim> v(17);
    for (uint32_t i = 0; i < 17; i++) v[i] = values.Get(i).As<Napi::Number>().Int64Value();
    return {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16]};
  }

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

// A Float32Array's data, checked to hold `expected` elements (0: any whole number of `channels` rows).
float* floats(const Napi::Value& value, size_t expected, const char* name, int64_t channels = 1) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw Napi::TypeError::New(value.Env(), std::string(name) + ": expected a Float32Array");
  auto array = value.As<Napi::Float32Array>();
  bool fits = expected ? array.ElementLength() == expected : array.ElementLength() % channels == 0;
  if (!fits) {
    std::ostringstream message;
    message << name << ": expected " << (expected ? expected : channels) << (expected ? "" : "n") << " elements, got "
            << array.ElementLength();
    throw Napi::RangeError::New(value.Env(), message.str());
  }
  return array.Data();
}

// The data of a Float32Array of exactly the operand's size; a wrong length is a caller's bug that would
// otherwise read or write past the tensor.
float* dataOf(const Napi::Value& value, const memory::desc& desc, const char* name) {
  return floats(value, desc.get_size() / sizeof(float), name);
}

// kernel(a, b, out, geometry): checks the three buffers against the geometry, runs, and answers the
// implementation oneDNN chose (e.g. "jit:avx512_core").
template <Kernel& (*Find)(const Geometry&)>
Napi::Value Run(const Napi::CallbackInfo& info, const char* names[3]) {
  try {
    Geometry g = Geometry::from(info[3]);
    Kernel& kernel = Find(g);
    std::vector<float*> data;
    for (size_t i = 0; i < 3; i++) data.push_back(dataOf(info[i], kernel.operands[i].user, names[i]));
    kernel.run(data);
    return Napi::String::New(info.Env(), kernel.implementation);
  } catch (const dnnl::error& error) {
    throw Napi::Error::New(info.Env(), std::string("oneDNN: ") + error.what());
  }
}

const char* FORWARD_NAMES[] = {"x", "filter", "y"};
const char* BACKWARD_DATA_NAMES[] = {"dy", "filter", "dx"};
const char* BACKWARD_WEIGHTS_NAMES[] = {"x", "dy", "dfilter"};

Napi::Value Conv2DForward(const Napi::CallbackInfo& info) { return Run<forwardKernel>(info, FORWARD_NAMES); }
Napi::Value Conv2DBackpropInput(const Napi::CallbackInfo& info) {
  return Run<backwardDataKernel>(info, BACKWARD_DATA_NAMES);
}
Napi::Value Conv2DBackpropFilter(const Napi::CallbackInfo& info) {
  return Run<backwardWeightsKernel>(info, BACKWARD_WEIGHTS_NAMES);
}

int64_t channelsOf(const Napi::CallbackInfo& info, size_t index) {
  int64_t channels = info[index].As<Napi::Number>().Int64Value();
  if (channels < 1) throw Napi::RangeError::New(info.Env(), "channels: expected a whole number from 1");
  return channels;
}

// batchNormMoments(x, moments, channels)
Napi::Value BatchNormMoments(const Napi::CallbackInfo& info) {
  int64_t channels = channelsOf(info, 2);
  float* x = floats(info[0], 0, "x", channels);
  int64_t rows = info[0].As<Napi::Float32Array>().ElementLength() / channels;
  gradlab::batchNormMoments(x, rows, channels, floats(info[1], 2 * channels, "moments"));
  return info.Env().Undefined();
}

// batchNormNormalize(x, moments, gamma, beta, y, channels, epsilon)
Napi::Value BatchNormNormalize(const Napi::CallbackInfo& info) {
  int64_t channels = channelsOf(info, 5);
  size_t size = info[0].As<Napi::Float32Array>().ElementLength();
  gradlab::batchNormNormalize(floats(info[0], 0, "x", channels), floats(info[1], 2 * channels, "moments"),
                              floats(info[2], channels, "gamma"), floats(info[3], channels, "beta"),
                              size / channels, channels, info[6].As<Napi::Number>().FloatValue(),
                              floats(info[4], size, "y"));
  return info.Env().Undefined();
}

// batchNormGradSum(dy, x, moments, out, channels, epsilon, gamma)
Napi::Value BatchNormGradSum(const Napi::CallbackInfo& info) {
  int64_t channels = channelsOf(info, 4);
  size_t size = info[0].As<Napi::Float32Array>().ElementLength();
  gradlab::batchNormGradSum(floats(info[0], 0, "dy", channels), floats(info[1], size, "x"),
                            floats(info[2], 2 * channels, "moments"), size / channels, channels,
                            info[5].As<Napi::Number>().FloatValue(), info[6].As<Napi::Boolean>().Value(),
                            floats(info[3], channels, "out"));
  return info.Env().Undefined();
}

// batchNormInputGrad(dy, x, moments, gamma, dBeta, dGamma, dx, channels, epsilon)
Napi::Value BatchNormInputGrad(const Napi::CallbackInfo& info) {
  int64_t channels = channelsOf(info, 7);
  size_t size = info[0].As<Napi::Float32Array>().ElementLength();
  gradlab::batchNormInputGrad(floats(info[0], 0, "dy", channels), floats(info[1], size, "x"),
                              floats(info[2], 2 * channels, "moments"), floats(info[3], channels, "gamma"),
                              floats(info[4], channels, "dBeta"), floats(info[5], channels, "dGamma"),
                              size / channels, channels, info[8].As<Napi::Number>().FloatValue(),
                              floats(info[6], size, "dx"));
  return info.Env().Undefined();
}

// leakyReluGrad(dy, x, dx, alpha)
Napi::Value LeakyReluGrad(const Napi::CallbackInfo& info) {
  size_t size = info[0].As<Napi::Float32Array>().ElementLength();
  gradlab::leakyReluGrad(floats(info[0], size, "dy"), floats(info[1], size, "x"), size,
                         info[3].As<Napi::Number>().FloatValue(), floats(info[2], size, "dx"));
  return info.Env().Undefined();
}

// adamStep(param, m, v, grad, newM, newV, newParam, constants): constants is a Float64Array of beta1,
// 1 - beta1, beta2, 1 - beta2, weightDecay, stepSize, sqrt(1 - beta2^t), epsilon, each rounded to float32 here
// as TF.js rounds a scalar.
Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  size_t size = info[0].As<Napi::Float32Array>().ElementLength();
  auto values = info[7].As<Napi::Float64Array>();
  if (values.ElementLength() != 8) throw Napi::RangeError::New(info.Env(), "constants: expected 8 numbers");
  gradlab::AdamConstants k{float(values[0]), float(values[1]), float(values[2]), float(values[3]),
                           float(values[4]), float(values[5]), float(values[6]), float(values[7])};
  gradlab::adamStep(floats(info[0], size, "param"), floats(info[1], size, "m"), floats(info[2], size, "v"),
                    floats(info[3], size, "grad"), size, k, floats(info[4], size, "newM"),
                    floats(info[5], size, "newV"), floats(info[6], size, "newParam"));
  return info.Env().Undefined();
}

// setThreads(n): oneDNN's OpenMP threads for the calls that follow (the caller's thread's pool).
Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  int threads = info[0].As<Napi::Number>().Int32Value();
  if (threads < 1) throw Napi::RangeError::New(info.Env(), "threads: expected a whole number from 1");
  omp_set_num_threads(threads);
  return Napi::Number::New(info.Env(), omp_get_max_threads());
}

Napi::Value Threads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), omp_get_max_threads()); }

Napi::Value CachedPrimitives(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(cache.size()));
}

Napi::Value Version(const Napi::CallbackInfo& info) {
  const dnnl_version_t* v = dnnl_version();
  std::ostringstream out;
  out << v->major << '.' << v->minor << '.' << v->patch;
  return Napi::String::New(info.Env(), out.str());
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("conv2dForward", Napi::Function::New(env, Conv2DForward));
  exports.Set("conv2dBackpropInput", Napi::Function::New(env, Conv2DBackpropInput));
  exports.Set("conv2dBackpropFilter", Napi::Function::New(env, Conv2DBackpropFilter));
  exports.Set("batchNormMoments", Napi::Function::New(env, BatchNormMoments));
  exports.Set("batchNormNormalize", Napi::Function::New(env, BatchNormNormalize));
  exports.Set("batchNormGradSum", Napi::Function::New(env, BatchNormGradSum));
  exports.Set("batchNormInputGrad", Napi::Function::New(env, BatchNormInputGrad));
  exports.Set("leakyReluGrad", Napi::Function::New(env, LeakyReluGrad));
  exports.Set("adamStep", Napi::Function::New(env, AdamStep));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("threads", Napi::Function::New(env, Threads));
  exports.Set("cachedPrimitives", Napi::Function::New(env, CachedPrimitives));
  exports.Set("version", Napi::Function::New(env, Version));
  return exports;
}

}  // namespace

NODE_API_MODULE(gradlab_onednn, Init)
