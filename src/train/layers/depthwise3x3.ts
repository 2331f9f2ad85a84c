// The 3x3 depthwise convolution of every MobileNet, specialised: channel-outer loops keep the nine
// weights (and, backward, their nine gradient sums) in locals, and interior pixels read their 3x3
// window without bounds checks. The generic depthwise loop in conv2d.ts reloads and re-stores the
// output for every tap; this does one store per output. Weights are OHWI [C][3][3][1] = [C][9].
// Checked against the generic path in test/train/layers.gradcheck.test.ts.

export interface DwShape {
  n: number; H: number; W: number; C: number; oH: number; oW: number;
  sh: number; sw: number; pt: number; pl: number;
}

export function depthwise3x3Forward(x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array, s: DwShape): void {
  const { n, H, W, C, oH, oW, sh, sw, pt, pl } = s;
  const R = W * C;
  for (let b = 0; b < n; b++) {
    for (let c = 0; c < C; c++) {
      const k = c * 9;
      const w0 = w[k], w1 = w[k + 1], w2 = w[k + 2], w3 = w[k + 3], w4 = w[k + 4], w5 = w[k + 5], w6 = w[k + 6], w7 = w[k + 7], w8 = w[k + 8];
      const bc = bias ? bias[c] : 0;
      for (let oy = 0; oy < oH; oy++) {
        const iy0 = oy * sh - pt;
        const rowsInside = iy0 >= 0 && iy0 + 2 < H;
        let o = ((b * oH + oy) * oW) * C + c;
        for (let ox = 0; ox < oW; ox++, o += C) {
          const ix0 = ox * sw - pl;
          if (rowsInside && ix0 >= 0 && ix0 + 2 < W) {
            const p = ((b * H + iy0) * W + ix0) * C + c;
            out[o] = bc +
              x[p] * w0 + x[p + C] * w1 + x[p + 2 * C] * w2 +
              x[p + R] * w3 + x[p + R + C] * w4 + x[p + R + 2 * C] * w5 +
              x[p + 2 * R] * w6 + x[p + 2 * R + C] * w7 + x[p + 2 * R + 2 * C] * w8;
          } else {
            let acc = bc;
            for (let ky = 0; ky < 3; ky++) {
              const iy = iy0 + ky;
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < 3; kx++) {
                const ix = ix0 + kx;
                if (ix < 0 || ix >= W) continue;
                acc += x[((b * H + iy) * W + ix) * C + c] * w[k + ky * 3 + kx];
              }
            }
            out[o] = acc;
          }
        }
      }
    }
  }
}

/** Accumulates weight gradients into gw ([C][9]) and, when dX is given, input gradients into dX
 *  (which must start zeroed). */
export function depthwise3x3Backward(x: Float32Array, w: Float32Array, dY: Float32Array, dX: Float32Array | null, gw: Float32Array, s: DwShape): void {
  const { n, H, W, C, oH, oW, sh, sw, pt, pl } = s;
  const R = W * C;
  for (let c = 0; c < C; c++) {
    const k = c * 9;
    const w0 = w[k], w1 = w[k + 1], w2 = w[k + 2], w3 = w[k + 3], w4 = w[k + 4], w5 = w[k + 5], w6 = w[k + 6], w7 = w[k + 7], w8 = w[k + 8];
    let g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0, g8 = 0;
    for (let b = 0; b < n; b++) {
      for (let oy = 0; oy < oH; oy++) {
        const iy0 = oy * sh - pt;
        const rowsInside = iy0 >= 0 && iy0 + 2 < H;
        let o = ((b * oH + oy) * oW) * C + c;
        for (let ox = 0; ox < oW; ox++, o += C) {
          const d = dY[o];
          const ix0 = ox * sw - pl;
          if (rowsInside && ix0 >= 0 && ix0 + 2 < W) {
            const p = ((b * H + iy0) * W + ix0) * C + c;
            const p1 = p + R, p2 = p + 2 * R;
            g0 += d * x[p]; g1 += d * x[p + C]; g2 += d * x[p + 2 * C];
            g3 += d * x[p1]; g4 += d * x[p1 + C]; g5 += d * x[p1 + 2 * C];
            g6 += d * x[p2]; g7 += d * x[p2 + C]; g8 += d * x[p2 + 2 * C];
            if (dX) {
              dX[p] += d * w0; dX[p + C] += d * w1; dX[p + 2 * C] += d * w2;
              dX[p1] += d * w3; dX[p1 + C] += d * w4; dX[p1 + 2 * C] += d * w5;
              dX[p2] += d * w6; dX[p2 + C] += d * w7; dX[p2 + 2 * C] += d * w8;
            }
          } else {
            for (let ky = 0; ky < 3; ky++) {
              const iy = iy0 + ky;
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < 3; kx++) {
                const ix = ix0 + kx;
                if (ix < 0 || ix >= W) continue;
                const p = ((b * H + iy) * W + ix) * C + c;
                gw[k + ky * 3 + kx] += d * x[p];
                if (dX) dX[p] += d * w[k + ky * 3 + kx];
              }
            }
          }
        }
      }
    }
    gw[k] += g0; gw[k + 1] += g1; gw[k + 2] += g2; gw[k + 3] += g3; gw[k + 4] += g4;
    gw[k + 5] += g5; gw[k + 6] += g6; gw[k + 7] += g7; gw[k + 8] += g8;
  }
}
