// Batch norm's training kernels on float32 NHWC data seen as [rows, channels], leaky_relu's gradient and
// Adam's step (elementwise_kernels.cc).
#pragma once

#include <cstdint>

namespace gradlab {

// moments [2, channels]: the mean, then the biased variance.
void batchNormMoments(const float* x, int64_t rows, int64_t channels, float* moments);
// y = (x - mean) / sqrt(variance + epsilon) * gamma + beta.
void batchNormNormalize(const float* x, const float* moments, const float* gamma, const float* beta, int64_t rows,
                        int64_t channels, float epsilon, float* y);
// The sum of dy per channel (`gamma` false: beta's gradient), or of dy * xhat (gamma's).
void batchNormGradSum(const float* dy, const float* x, const float* moments, int64_t rows, int64_t channels,
                      float epsilon, bool gamma, float* out);
// PyTorch's analytic input gradient: gamma / sqrt(var + eps) / n * (n dy - dBeta - xhat dGamma).
void batchNormInputGrad(const float* dy, const float* x, const float* moments, const float* gamma,
                        const float* dBeta, const float* dGamma, int64_t rows, int64_t channels, float epsilon,
                        float* dx);

// leaky_relu's gradient, dy * step(x, alpha) (step: 1 where x > 0, else alpha; NaN where x is), in one pass.
void leakyReluGrad(const float* dy, const float* x, int64_t size, float alpha, float* dx);

// torch.optim.Adam's update of one parameter (coupled weight decay; eps added to sqrt(v_hat)), each operation
// rounded to float32 in the order libs/training's TorchAdam writes them. The constants are float32 already.
struct AdamConstants {
  float beta1, oneMinusBeta1, beta2, oneMinusBeta2, weightDecay, stepSize, sqrtBiasCorrection2, epsilon;
};
void adamStep(const float* param, const float* m, const float* v, const float* grad, int64_t size,
              const AdamConstants& constants, float* newM, float* newV, float* newParam);

}  // namespace gradlab
