/** CIFAR images as stored in the distribution files: per image 3072 bytes, the R, G and B planes of 32x32. */
export const IMAGE_BYTES = 3072;
export const CIFAR100_CLASSES = 100;

export interface ImageSet {
  /** count * 3072 bytes, channel-planar (CHW) per image, as in the files. */
  images: Uint8Array;
  /** Fine labels, 0..99. */
  labels: Uint8Array;
  count: number;
}

export function subset(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const images = new Uint8Array(indices.length * IMAGE_BYTES);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    images.set(set.images.subarray(j * IMAGE_BYTES, (j + 1) * IMAGE_BYTES), i * IMAGE_BYTES);
    labels[i] = set.labels[j];
  }
  return { images, labels, count: indices.length };
}
