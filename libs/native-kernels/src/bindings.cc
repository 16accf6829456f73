// The addon's N-API glue: each function's arguments checked by count and type before any kernel sees them
// (as PyTorch's TORCH_CHECK does), then handed to the plain C++ kernels: onednn_convolutions.cc (Conv2D and its
// gradients) and elementwise_kernels.cc (batch norm, leaky_relu's gradient, Adam's step). A wrong argument is a
// caller's bug that would otherwise read or write past a tensor, or crash the process: it throws a TypeError
// (or RangeError) naming the function, the argument and what was expected. onednn-addon.ts types the same
// signatures for TypeScript.
#include <napi.h>
#include <omp.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <cmath>
#include <sstream>
#include <string>

#include "elementwise_kernels.h"
#include "onednn_convolutions.h"

namespace {

using gradlab::onednn::ConvGeometry;
using gradlab::onednn::ConvKind;

// What a JavaScript value is, for an error message.
std::string kindOf(const Napi::Value& value) {
  if (value.IsTypedArray()) {
    switch (value.As<Napi::TypedArray>().TypedArrayType()) {
      case napi_float32_array:
        return "a Float32Array";
      case napi_float64_array:
        return "a Float64Array";
      default:
        return "another typed array";
    }
  }
  switch (value.Type()) {
    case napi_undefined:
      return "undefined";
    case napi_null:
      return "null";
    case napi_boolean:
      return "a boolean";
    case napi_number:
      return "a number";
    case napi_string:
      return "a string";
    default:
      return value.IsArray() ? "an array" : "an object";
  }
}

// One call's arguments, read by position; each read checks the argument's type and size.
class Arguments {
 public:
  // `signature`: the function as JavaScript calls it, e.g. "leakyReluGrad(dy, x, dx, alpha)"; `count`: its arity.
  Arguments(const Napi::CallbackInfo& info, const char* signature, size_t count) : info_(info), signature_(signature) {
    if (info.Length() != count) {
      std::ostringstream message;
      message << "expected " << count << " arguments, got " << info.Length();
      fail<Napi::TypeError>(message.str());
    }
  }

  // A Float32Array of exactly `size` elements.
  float* floats(size_t index, const char* name, size_t size) const {
    Napi::Float32Array array = float32Array(index, name);
    if (array.ElementLength() != size) {
      std::ostringstream message;
      message << "expected " << size << " elements, got " << array.ElementLength();
      fail<Napi::RangeError>(index, name, message.str());
    }
    return array.Data();
  }

  // The length of a Float32Array of whole rows of `channels` elements.
  size_t rowsLength(size_t index, const char* name, int64_t channels) const {
    size_t length = float32Array(index, name).ElementLength();
    if (length % channels != 0) {
      std::ostringstream message;
      message << "expected rows of " << channels << " elements, got " << length << " elements";
      fail<Napi::RangeError>(index, name, message.str());
    }
    return length;
  }

  // Any Float32Array's length.
  size_t length(size_t index, const char* name) const { return float32Array(index, name).ElementLength(); }

  // A finite number.
  double number(size_t index, const char* name) const {
    const Napi::Value value = info_[index];
    if (!value.IsNumber()) fail<Napi::TypeError>(index, name, "expected a number, got " + kindOf(value));
    double number = value.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(number)) fail<Napi::RangeError>(index, name, "expected a finite number");
    return number;
  }

  // A whole number from `least`.
  int64_t wholeNumber(size_t index, const char* name, int64_t least) const {
    double value = number(index, name);
    if (value != std::floor(value) || value < static_cast<double>(least)) {
      std::ostringstream message;
      message << "expected a whole number from " << least << ", got " << value;
      fail<Napi::RangeError>(index, name, message.str());
    }
    return static_cast<int64_t>(value);
  }

  bool boolean(size_t index, const char* name) const {
    const Napi::Value value = info_[index];
    if (!value.IsBoolean()) fail<Napi::TypeError>(index, name, "expected a boolean, got " + kindOf(value));
    return value.As<Napi::Boolean>().Value();
  }

  // A Float64Array of exactly `size` numbers.
  Napi::Float64Array doubles(size_t index, const char* name, size_t size) const {
    const Napi::Value value = info_[index];
    if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
      fail<Napi::TypeError>(index, name, "expected a Float64Array, got " + kindOf(value));
    auto array = value.As<Napi::Float64Array>();
    if (array.ElementLength() != size) {
      std::ostringstream message;
      message << "expected " << size << " numbers, got " << array.ElementLength();
      fail<Napi::RangeError>(index, name, message.str());
    }
    return array;
  }

  // A convolution's 17 whole numbers (onednn-addon.ts's ConvGeometry), sizes from 1 and paddings from 0.
  ConvGeometry geometry(size_t index, const char* name) const {
    const Napi::Value value = info_[index];
    if (!value.IsArray()) fail<Napi::TypeError>(index, name, "expected an array of 17 numbers, got " + kindOf(value));
    auto values = value.As<Napi::Array>();
    if (values.Length() != gradlab::onednn::CONV_GEOMETRY_SIZE) {
      std::ostringstream message;
      message << "expected 17 numbers, got " << values.Length();
      fail<Napi::RangeError>(index, name, message.str());
    }
    int64_t v[gradlab::onednn::CONV_GEOMETRY_SIZE];
    for (uint32_t i = 0; i < values.Length(); i++) {
      const Napi::Value item = values.Get(i);
      bool padding = i >= 11 && i <= 14;  // top, left, bottom, right
      double number = item.IsNumber() ? item.As<Napi::Number>().DoubleValue() : NAN;
      if (!std::isfinite(number) || number != std::floor(number) || number < (padding ? 0 : 1)) {
        std::ostringstream message;
        message << "item " << i << ": expected a whole number from " << (padding ? 0 : 1) << ", got ";
        if (item.IsNumber())
          message << number;
        else
          message << kindOf(item);
        fail<Napi::RangeError>(index, name, message.str());
      }
      v[i] = static_cast<int64_t>(number);
    }
    return {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16]};
  }

  Napi::Env env() const { return info_.Env(); }

 private:
  Napi::Float32Array float32Array(size_t index, const char* name) const {
    const Napi::Value value = info_[index];
    if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
      fail<Napi::TypeError>(index, name, "expected a Float32Array, got " + kindOf(value));
    return value.As<Napi::Float32Array>();
  }

  template <typename Error>
  [[noreturn]] void fail(const std::string& message) const {
    throw Error::New(info_.Env(), std::string(signature_) + ": " + message);
  }

  template <typename Error>
  [[noreturn]] void fail(size_t index, const char* name, const std::string& message) const {
    std::ostringstream out;
    out << "argument " << index + 1 << " (" << name << "): " << message;
    fail<Error>(out.str());
  }

  const Napi::CallbackInfo& info_;
  const char* signature_;
};

// conv(a, b, out, geometry): each buffer checked against the geometry's size for it, then the kernel run;
// answers the implementation oneDNN chose.
Napi::Value Convolution(const Napi::CallbackInfo& info, ConvKind kind, const char* signature,
                        const char* names[3]) {
  Arguments args(info, signature, 4);
  ConvGeometry geometry = args.geometry(3, "geometry");
  try {
    float* data[3];
    for (size_t i = 0; i < 3; i++)
      data[i] = args.floats(i, names[i], gradlab::onednn::convOperandSize(kind, geometry, i));
    return Napi::String::New(info.Env(), gradlab::onednn::runConv(kind, geometry, data));
  } catch (const dnnl::error& error) {
    throw Napi::Error::New(info.Env(), std::string(signature) + ": oneDNN: " + error.what());
  }
}

const char* FORWARD_NAMES[] = {"x", "filter", "y"};
const char* BACKWARD_DATA_NAMES[] = {"dy", "filter", "dx"};
const char* BACKWARD_WEIGHTS_NAMES[] = {"x", "dy", "dfilter"};

Napi::Value Conv2DForward(const Napi::CallbackInfo& info) {
  return Convolution(info, ConvKind::forward, "conv2dForward(x, filter, y, geometry)", FORWARD_NAMES);
}

Napi::Value Conv2DBackpropInput(const Napi::CallbackInfo& info) {
  return Convolution(info, ConvKind::backwardData, "conv2dBackpropInput(dy, filter, dx, geometry)",
                     BACKWARD_DATA_NAMES);
}

Napi::Value Conv2DBackpropFilter(const Napi::CallbackInfo& info) {
  return Convolution(info, ConvKind::backwardWeights, "conv2dBackpropFilter(x, dy, dfilter, geometry)",
                     BACKWARD_WEIGHTS_NAMES);
}

Napi::Value BatchNormMoments(const Napi::CallbackInfo& info) {
  Arguments args(info, "batchNormMoments(x, moments, channels)", 3);
  int64_t channels = args.wholeNumber(2, "channels", 1);
  size_t size = args.rowsLength(0, "x", channels);
  gradlab::batchNormMoments(args.floats(0, "x", size), size / channels, channels,
                            args.floats(1, "moments", 2 * channels));
  return info.Env().Undefined();
}

Napi::Value BatchNormNormalize(const Napi::CallbackInfo& info) {
  Arguments args(info, "batchNormNormalize(x, moments, gamma, beta, y, channels, epsilon)", 7);
  int64_t channels = args.wholeNumber(5, "channels", 1);
  size_t size = args.rowsLength(0, "x", channels);
  gradlab::batchNormNormalize(args.floats(0, "x", size), args.floats(1, "moments", 2 * channels),
                              args.floats(2, "gamma", channels), args.floats(3, "beta", channels), size / channels,
                              channels, static_cast<float>(args.number(6, "epsilon")), args.floats(4, "y", size));
  return info.Env().Undefined();
}

Napi::Value BatchNormGradSum(const Napi::CallbackInfo& info) {
  Arguments args(info, "batchNormGradSum(dy, x, moments, out, channels, epsilon, gamma)", 7);
  int64_t channels = args.wholeNumber(4, "channels", 1);
  size_t size = args.rowsLength(0, "dy", channels);
  gradlab::batchNormGradSum(args.floats(0, "dy", size), args.floats(1, "x", size),
                            args.floats(2, "moments", 2 * channels), size / channels, channels,
                            static_cast<float>(args.number(5, "epsilon")), args.boolean(6, "gamma"),
                            args.floats(3, "out", channels));
  return info.Env().Undefined();
}

Napi::Value BatchNormInputGrad(const Napi::CallbackInfo& info) {
  Arguments args(info, "batchNormInputGrad(dy, x, moments, gamma, dBeta, dGamma, dx, channels, epsilon)", 9);
  int64_t channels = args.wholeNumber(7, "channels", 1);
  size_t size = args.rowsLength(0, "dy", channels);
  gradlab::batchNormInputGrad(args.floats(0, "dy", size), args.floats(1, "x", size),
                              args.floats(2, "moments", 2 * channels), args.floats(3, "gamma", channels),
                              args.floats(4, "dBeta", channels), args.floats(5, "dGamma", channels),
                              size / channels, channels, static_cast<float>(args.number(8, "epsilon")),
                              args.floats(6, "dx", size));
  return info.Env().Undefined();
}

Napi::Value LeakyReluGrad(const Napi::CallbackInfo& info) {
  Arguments args(info, "leakyReluGrad(dy, x, dx, alpha)", 4);
  size_t size = args.length(0, "dy");
  gradlab::leakyReluGrad(args.floats(0, "dy", size), args.floats(1, "x", size), size,
                         static_cast<float>(args.number(3, "alpha")), args.floats(2, "dx", size));
  return info.Env().Undefined();
}

// adamStep(param, m, v, grad, newM, newV, newParam, constants): constants is a Float64Array of beta1,
// 1 - beta1, beta2, 1 - beta2, weightDecay, stepSize, sqrt(1 - beta2^t), epsilon, each rounded to float32 here
// as TF.js rounds a scalar.
Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  Arguments args(info, "adamStep(param, m, v, grad, newM, newV, newParam, constants)", 8);
  size_t size = args.length(0, "param");
  Napi::Float64Array values = args.doubles(7, "constants", 8);
  gradlab::AdamConstants k{float(values[0]), float(values[1]), float(values[2]), float(values[3]),
                           float(values[4]), float(values[5]), float(values[6]), float(values[7])};
  gradlab::adamStep(args.floats(0, "param", size), args.floats(1, "m", size), args.floats(2, "v", size),
                    args.floats(3, "grad", size), size, k, args.floats(4, "newM", size),
                    args.floats(5, "newV", size), args.floats(6, "newParam", size));
  return info.Env().Undefined();
}

// setThreads(n): oneDNN's OpenMP threads for the calls that follow (the caller's thread's pool).
Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  Arguments args(info, "setThreads(threads)", 1);
  omp_set_num_threads(static_cast<int>(args.wholeNumber(0, "threads", 1)));
  return Napi::Number::New(info.Env(), omp_get_max_threads());
}

Napi::Value Threads(const Napi::CallbackInfo& info) {
  Arguments args(info, "threads()", 0);
  return Napi::Number::New(info.Env(), omp_get_max_threads());
}

Napi::Value CachedPrimitives(const Napi::CallbackInfo& info) {
  Arguments args(info, "cachedPrimitives()", 0);
  return Napi::Number::New(info.Env(), static_cast<double>(gradlab::onednn::cachedPrimitives()));
}

Napi::Value Version(const Napi::CallbackInfo& info) {
  Arguments args(info, "version()", 0);
  return Napi::String::New(info.Env(), gradlab::onednn::version());
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
