// Fits a dataset's images to a model's input size: centred zero padding when the target is larger
// (28x28 -> 32x32, the LeNet paper's input), bilinear resampling otherwise (MobileNet's resolution
// multiplier rho < 1).
import type { Dataset } from './datasets.js';

export function fitImages(d: Dataset, h: number, w: number): Dataset {
  if (h === d.height && w === d.width) return d;
  const c = d.channels, size = h * w * c, src = d.height * d.width * c;
  const images = new Uint8Array(d.count * size);
  const padY = h - d.height, padX = w - d.width;
  const pad = padY >= 0 && padX >= 0;
  for (let n = 0; n < d.count; n++) {
    const s0 = n * src, o0 = n * size;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let k = 0; k < c; k++) {
          let v: number;
          if (pad) {
            const sy = y - (padY >> 1), sx = x - (padX >> 1);
            v = sy >= 0 && sy < d.height && sx >= 0 && sx < d.width ? d.images[s0 + (sy * d.width + sx) * c + k] : 0;
          } else {
            // Align pixel centres (like torch's interpolate with align_corners=False).
            const fy = Math.min(Math.max((y + 0.5) * d.height / h - 0.5, 0), d.height - 1);
            const fx = Math.min(Math.max((x + 0.5) * d.width / w - 0.5, 0), d.width - 1);
            const y0 = Math.floor(fy), x0 = Math.floor(fx);
            const y1 = Math.min(y0 + 1, d.height - 1), x1 = Math.min(x0 + 1, d.width - 1);
            const ay = fy - y0, ax = fx - x0;
            const p = (yy: number, xx: number) => d.images[s0 + (yy * d.width + xx) * c + k];
            v = Math.round((1 - ay) * ((1 - ax) * p(y0, x0) + ax * p(y0, x1)) + ay * ((1 - ax) * p(y1, x0) + ax * p(y1, x1)));
          }
          images[o0 + (y * w + x) * c + k] = v;
        }
      }
    }
  }
  return { ...d, images, height: h, width: w };
}
