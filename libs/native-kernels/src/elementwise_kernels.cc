// Batch norm in training mode on float32 NHWC data, as gradlab's general path computes it (libs/models'
// batchNormTraining, one TF.js operation at a time), in four passes over the activations instead of about
// forty. The per-channel sums accumulate in double: at least as accurate as the general path's two-stage
// float32 sums and PyTorch's blocked ones. Elementwise results round as the general path's operations do,
// one float32 operation at a time, in the same order. Threads: OpenMP, the same pool as the convolutions.
#include "elementwise_kernels.h"

#include <omp.h>

#include <cmath>
#include <vector>

namespace {

// Per-channel double sums of f(row, channel) over all rows, each thread summing its own rows first.
template <typename Term>
void channelSums(int64_t rows, int64_t channels, double* out, Term term) {
  std::fill(out, out + channels, 0.0);
#pragma omp parallel
  {
    std::vector<double> local(channels, 0.0);
#pragma omp for schedule(static)
    for (int64_t r = 0; r < rows; r++)
      for (int64_t c = 0; c < channels; c++) local[c] += term(r, c);
#pragma omp critical
    for (int64_t c = 0; c < channels; c++) out[c] += local[c];
  }
}

// 1 / sqrt(variance + epsilon) in float32, as tf.rsqrt(tf.add(variance, epsilon)).
std::vector<float> inverseStd(const float* moments, int64_t channels, float epsilon) {
  std::vector<float> out(channels);
  for (int64_t c = 0; c < channels; c++) {
    float shifted = moments[channels + c] + epsilon;
    out[c] = 1.0f / std::sqrt(shifted);
  }
  return out;
}

}  // namespace

namespace gradlab {

void batchNormMoments(const float* x, int64_t rows, int64_t channels, float* moments) {
  std::vector<double> sum(channels), squares(channels);
  channelSums(rows, channels, sum.data(), [&](int64_t r, int64_t c) { return double(x[r * channels + c]); });
  std::vector<float> mean(channels);
  for (int64_t c = 0; c < channels; c++) mean[c] = float(sum[c] / double(rows));
  // The variance about the float32 mean, as the general path's tf.square(tf.sub(x, mean)).
  channelSums(rows, channels, squares.data(), [&](int64_t r, int64_t c) {
    float centred = x[r * channels + c] - mean[c];
    return double(centred * centred);
  });
  for (int64_t c = 0; c < channels; c++) {
    moments[c] = mean[c];
    moments[channels + c] = float(squares[c] / double(rows));
  }
}

void batchNormNormalize(const float* x, const float* moments, const float* gamma, const float* beta, int64_t rows,
                        int64_t channels, float epsilon, float* y) {
  std::vector<float> invStd = inverseStd(moments, channels, epsilon);
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < rows; r++)
    for (int64_t c = 0; c < channels; c++) {
      float xhat = (x[r * channels + c] - moments[c]) * invStd[c];
      y[r * channels + c] = xhat * gamma[c] + beta[c];
    }
}

void batchNormGradSum(const float* dy, const float* x, const float* moments, int64_t rows, int64_t channels,
                      float epsilon, bool gamma, float* out) {
  std::vector<double> sums(channels);
  if (!gamma) {
    channelSums(rows, channels, sums.data(), [&](int64_t r, int64_t c) { return double(dy[r * channels + c]); });
  } else {
    std::vector<float> invStd = inverseStd(moments, channels, epsilon);
    channelSums(rows, channels, sums.data(), [&](int64_t r, int64_t c) {
      float xhat = (x[r * channels + c] - moments[c]) * invStd[c];
      return double(dy[r * channels + c] * xhat);
    });
  }
  for (int64_t c = 0; c < channels; c++) out[c] = float(sums[c]);
}

void batchNormInputGrad(const float* dy, const float* x, const float* moments, const float* gamma,
                        const float* dBeta, const float* dGamma, int64_t rows, int64_t channels, float epsilon,
                        float* dx) {
  std::vector<float> invStd = inverseStd(moments, channels, epsilon);
  const float count = float(rows);
  // (gamma * invStd) / count, as tf.div(tf.mul(gamma, invStd), count).
  std::vector<float> factor(channels);
  for (int64_t c = 0; c < channels; c++) factor[c] = (gamma[c] * invStd[c]) / count;
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < rows; r++)
    for (int64_t c = 0; c < channels; c++) {
      int64_t i = r * channels + c;
      float xhat = (x[i] - moments[c]) * invStd[c];
      float centred = (dy[i] * count - dBeta[c]) - xhat * dGamma[c];
      dx[i] = centred * factor[c];
    }
}

void leakyReluGrad(const float* dy, const float* x, int64_t size, float alpha, float* dx) {
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < size; i++)
    dx[i] = std::isnan(x[i]) ? x[i] : x[i] > 0 ? dy[i] : dy[i] * alpha;
}

void adamStep(const float* param, const float* m, const float* v, const float* grad, int64_t size,
              const AdamConstants& k, float* newM, float* newV, float* newParam) {
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < size; i++) {
    float g = k.weightDecay != 0 ? grad[i] + param[i] * k.weightDecay : grad[i];
    float first = m[i] * k.beta1 + g * k.oneMinusBeta1;
    float second = v[i] * k.beta2 + (g * g) * k.oneMinusBeta2;
    float denominator = std::sqrt(second) / k.sqrtBiasCorrection2 + k.epsilon;
    newM[i] = first;
    newV[i] = second;
    newParam[i] = param[i] - (first / denominator) * k.stepSize;
  }
}

}  // namespace gradlab
