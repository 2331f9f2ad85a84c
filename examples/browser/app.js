// The example page: loads model.tcm and samples.bin (written by `npm run build`), classifies the
// drawing pad or a picked test image with the tinyconv runtime (global `tinyconv` from
// tinyconv.es5.js) and shows the top 3 classes and the inference time. Plain ES5, no build step.
(function () {
  'use strict';
  var SIDE = 28, SCALE = 10;
  var pad = document.getElementById('pad');
  var ctx = pad.getContext('2d');
  var model, probs, samples = [];

  function get(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ': HTTP ' + r.status + ' (run npm run build)');
      return r.arrayBuffer();
    });
  }

  Promise.all([get('model.tcm'), get('samples.bin')]).then(function (files) {
    model = tinyconv.loadModel(new Uint8Array(files[0]));
    probs = new Float32Array(model.output.length);
    document.getElementById('info').textContent = (model.name || 'model') + ': ' + model.modelBytes +
      ' bytes model, ' + model.arenaBytes + ' bytes arena, input ' + model.inputShape.join('x');
    showSamples(new Uint8Array(files[1]));
    clearPad();
    document.body.setAttribute('data-ready', '1');
  }).catch(function (e) {
    document.getElementById('info').textContent = 'error: ' + e.message;
    document.body.setAttribute('data-error', e.message);
  });

  /** samples.bin: [count][count labels][count * 784 pixels]. */
  function showSamples(bytes) {
    var count = bytes[0], size = SIDE * SIDE, box = document.getElementById('samples');
    for (var i = 0; i < count; i++) {
      var pixels = bytes.subarray(1 + count + i * size, 1 + count + (i + 1) * size);
      samples.push(pixels);
      var button = document.createElement('button');
      button.title = 'test image ' + i + ' (' + (model.labels[bytes[1 + i]] || bytes[1 + i]) + ')';
      button.setAttribute('data-sample', String(i));
      var thumb = document.createElement('canvas');
      thumb.width = thumb.height = SIDE;
      thumb.getContext('2d').putImageData(toImageData(pixels), 0, 0);
      button.appendChild(thumb);
      button.onclick = pick.bind(null, i, button);
      box.appendChild(button);
    }
  }

  function toImageData(pixels) {
    var img = new ImageData(SIDE, SIDE);
    for (var i = 0; i < pixels.length; i++) {
      img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = pixels[i];
      img.data[4 * i + 3] = 255;
    }
    return img;
  }

  function pick(i, button) {
    var on = document.querySelectorAll('#samples button.on');
    for (var k = 0; k < on.length; k++) on[k].className = '';
    button.className = 'on';
    var small = document.createElement('canvas');
    small.width = small.height = SIDE;
    small.getContext('2d').putImageData(toImageData(samples[i]), 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(small, 0, 0, SIDE * SCALE, SIDE * SCALE);
    classify(samples[i], 'test image ' + i);
  }

  function clearPad() {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, pad.width, pad.height);
  }

  /** The pad's red channel averaged over SCALE x SCALE blocks: 28x28 pixels. */
  function downsample() {
    var data = ctx.getImageData(0, 0, SIDE * SCALE, SIDE * SCALE).data;
    var out = new Uint8Array(SIDE * SIDE);
    for (var y = 0; y < SIDE; y++) {
      for (var x = 0; x < SIDE; x++) {
        var sum = 0;
        for (var dy = 0; dy < SCALE; dy++) {
          for (var dx = 0; dx < SCALE; dx++) sum += data[4 * ((y * SCALE + dy) * SIDE * SCALE + x * SCALE + dx)];
        }
        out[y * SIDE + x] = Math.round(sum / (SCALE * SCALE));
      }
    }
    return out;
  }

  /** Runs the model on 28x28 pixels; times the mean of a few runs (one run is below timer resolution).
   *  The input is set before every run: the arena reuses the input's bytes for later activations. */
  function classify(pixels, what) {
    var runs = 10, start = performance.now();
    for (var r = 0; r < runs; r++) {
      model.setInput(pixels);
      model.run();
    }
    var ms = (performance.now() - start) / runs;
    model.readOutput(probs);
    var top = topClasses(probs, 3), list = document.getElementById('top');
    list.innerHTML = '';
    list.setAttribute('data-output', Array.prototype.join.call(model.output, ','));
    for (var i = 0; i < top.length; i++) {
      var li = document.createElement('li');
      li.setAttribute('data-index', String(top[i]));
      li.textContent = (model.labels[top[i]] || top[i]) + ' ' + (100 * probs[top[i]]).toFixed(1) + '%';
      var bar = document.createElement('div');
      bar.className = 'bar';
      bar.style.width = Math.max(1, Math.round(200 * probs[top[i]])) + 'px';
      li.appendChild(bar);
      list.appendChild(li);
    }
    document.getElementById('time').textContent = what + ': ' + ms.toFixed(2) + ' ms per inference (mean of ' + runs + ')';
  }

  /** Indices of the k largest values, ties to the lower index (the same order as tinyconv export). */
  function topClasses(p, k) {
    var picked = [];
    for (var r = 0; r < k && r < p.length; r++) {
      var best = -1;
      for (var i = 0; i < p.length; i++) if (picked.indexOf(i) < 0 && (best < 0 || p[i] > p[best])) best = i;
      picked.push(best);
    }
    return picked;
  }

  var drawing = false;
  function point(e) {
    var r = pad.getBoundingClientRect();
    return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height];
  }
  pad.addEventListener('pointerdown', function (e) {
    drawing = true;
    pad.setPointerCapture(e.pointerId);
    var p = point(e);
    ctx.beginPath();
    ctx.moveTo(p[0], p[1]);
  });
  pad.addEventListener('pointermove', function (e) {
    if (!drawing) return;
    var p = point(e);
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 24;
    ctx.lineCap = ctx.lineJoin = 'round';
    ctx.lineTo(p[0], p[1]);
    ctx.stroke();
  });
  pad.addEventListener('pointerup', function () {
    if (!drawing) return;
    drawing = false;
    if (model) classify(downsample(), 'drawing');
  });
  document.getElementById('clear').onclick = function () {
    clearPad();
    var on = document.querySelectorAll('#samples button.on');
    for (var k = 0; k < on.length; k++) on[k].className = '';
    document.getElementById('top').innerHTML = '';
    document.getElementById('time').textContent = '';
  };
})();
