// Training-time augmentation on uint8 NHWC images: random crop after zero padding (a random shift of
// up to `padding` pixels) and horizontal flip. Both act on the raw bytes before normalisation, so the
// padded border is "black" in pixel terms, as in torchvision's RandomCrop(padding=p).
import type { Rng } from './random.js';

export interface AugmentOptions {
  /** Max shift in pixels (the zero padding of RandomCrop). 0 disables cropping. */
  padding: number;
  /** Flip left-right with probability 0.5. */
  flip: boolean;
}

/** Augments one H x W x C image from `src` into `dst` (same size; they must not overlap). */
export function augmentImage(src: Uint8Array, dst: Uint8Array, h: number, w: number, c: number, opt: AugmentOptions, rng: Rng): void {
  const dy = opt.padding > 0 ? rng.int(2 * opt.padding + 1) - opt.padding : 0;
  const dx = opt.padding > 0 ? rng.int(2 * opt.padding + 1) - opt.padding : 0;
  const flip = opt.flip && rng.next() < 0.5;
  for (let y = 0; y < h; y++) {
    const sy = y + dy;
    for (let x = 0; x < w; x++) {
      const sxUnflipped = x + dx;
      const sx = flip ? w - 1 - sxUnflipped : sxUnflipped;
      const o = (y * w + x) * c;
      if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
        for (let k = 0; k < c; k++) dst[o + k] = 0;
      } else {
        const s = (sy * w + sx) * c;
        for (let k = 0; k < c; k++) dst[o + k] = src[s + k];
      }
    }
  }
}
