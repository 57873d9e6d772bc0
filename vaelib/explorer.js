// Live widgets of the book "From autoencoders to VAEs" (vaelib.explorer writes them).
// No libraries, no network: each widget's data (a decoder's weights, latent points,
// fitted curves) is embedded in the page, and this code runs it in the browser.
// window.vaelibWidgets[id] exposes each widget, for readers' consoles and for tests.
(function () {
  "use strict";
  const registry = (window.vaelibWidgets = window.vaelibWidgets || {});

  function bytes(b64) {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  // Dense layers: int8 weights (row-major, n_in x n_out) with one scale per output unit.
  function unpackLayers(spec) {
    return spec.map(function (L) {
      const q = new Int8Array(bytes(L.w).buffer);
      const w = new Float32Array(q.length);
      for (let i = 0; i < q.length; i++) w[i] = q[i] * L.scale[i % L.n_out];
      return { nIn: L.n_in, nOut: L.n_out, act: L.act, w: w, b: Float32Array.from(L.b) };
    });
  }

  function decode(layers, z) {
    let h = Float32Array.from(z);
    for (const L of layers) {
      const out = Float32Array.from(L.b);
      for (let i = 0; i < L.nIn; i++) {
        const hi = h[i];
        if (hi === 0) continue;
        const row = i * L.nOut;
        for (let j = 0; j < L.nOut; j++) out[j] += hi * L.w[row + j];
      }
      for (let j = 0; j < L.nOut; j++) {
        const v = out[j];
        if (L.act === "relu") out[j] = v > 0 ? v : 0;
        else if (L.act === "sigmoid") out[j] = 1 / (1 + Math.exp(-v));
        else if (L.act === "tanh") out[j] = Math.tanh(v);
      }
      h = out;
    }
    return h;
  }

  function latentExplorer(root, data) {
    const layers = unpackLayers(data.layers);
    const map = root.querySelector(".vx-map");
    const digit = root.querySelector(".vx-digit");
    const readout = root.querySelector(".vx-readout");
    const mctx = map.getContext("2d");
    const dctx = digit.getContext("2d");
    const [x0, x1, y0, y1] = data.extent;
    const W = map.width;
    const H = map.height;
    const side = data.side;
    const zq = new Int16Array(bytes(data.points).buffer);
    const labels = bytes(data.labels);
    const n = labels.length;
    const toPx = (z1, z2) => [((z1 - x0) / (x1 - x0)) * W, ((y1 - z2) / (y1 - y0)) * H];
    const toZ = (px, py) => [x0 + (px / W) * (x1 - x0), y1 - (py / H) * (y1 - y0)];
    const pointZ = (i) => [
      x0 + ((zq[2 * i] + 32767) / 65534) * (x1 - x0),
      y0 + ((zq[2 * i + 1] + 32767) / 65534) * (y1 - y0),
    ];

    // The scatter is drawn once into an offscreen canvas; the marker goes on top.
    const base = document.createElement("canvas");
    base.width = W;
    base.height = H;
    const bctx = base.getContext("2d");
    bctx.fillStyle = "#ffffff";
    bctx.fillRect(0, 0, W, H);
    bctx.globalAlpha = 0.55;
    for (let i = 0; i < n; i++) {
      const [px, py] = toPx(...pointZ(i));
      bctx.fillStyle = data.colours[labels[i]];
      bctx.fillRect(px - 1.5, py - 1.5, 3, 3);
    }
    bctx.globalAlpha = 1;

    let z = [0, 0];
    function draw() {
      const x = decode(layers, z);
      const img = dctx.createImageData(side, side);
      for (let k = 0; k < side * side; k++) {
        const g = Math.round(255 * (1 - x[k])); // ink is dark, as in the book's figures
        img.data[4 * k] = img.data[4 * k + 1] = img.data[4 * k + 2] = g;
        img.data[4 * k + 3] = 255;
      }
      dctx.putImageData(img, 0, 0);
      mctx.drawImage(base, 0, 0);
      const [px, py] = toPx(z[0], z[1]);
      mctx.lineWidth = 2;
      mctx.strokeStyle = "#000000";
      mctx.beginPath();
      mctx.arc(px, py, 7, 0, 2 * Math.PI);
      mctx.stroke();
      mctx.strokeStyle = "#ffffff";
      mctx.beginPath();
      mctx.arc(px, py, 9, 0, 2 * Math.PI);
      mctx.stroke();
      readout.textContent =
        "z = (" + z[0].toFixed(2) + ", " + z[1].toFixed(2) + "): the decoded image is shown";
      return x;
    }
    function setZ(z1, z2) {
      z = [Math.min(x1, Math.max(x0, z1)), Math.min(y1, Math.max(y0, z2))];
      return draw();
    }
    function fromEvent(ev) {
      const r = map.getBoundingClientRect();
      const p = toZ(((ev.clientX - r.left) / r.width) * W, ((ev.clientY - r.top) / r.height) * H);
      setZ(p[0], p[1]);
    }
    map.addEventListener("pointermove", fromEvent);
    map.addEventListener("pointerdown", function (ev) {
      map.focus();
      fromEvent(ev);
    });
    const step = (x1 - x0) / 40;
    map.addEventListener("keydown", function (ev) {
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (ev.key in moves) {
        setZ(z[0] + moves[ev.key][0], z[1] + moves[ev.key][1]);
        ev.preventDefault();
      } else if (ev.key === "Home") {
        setZ(0, 0);
        ev.preventDefault();
      }
    });

    // Interpolation: a straight line in latent space between two test digits' codes.
    const selA = root.querySelector(".vx-a");
    const selB = root.querySelector(".vx-b");
    const slider = root.querySelector(".vx-t");
    data.anchors.forEach(function (a, i) {
      selA.add(new Option(a.name, i));
      selB.add(new Option(a.name, i));
    });
    selB.selectedIndex = Math.min(1, data.anchors.length - 1);
    function interpolate() {
      const a = data.anchors[selA.selectedIndex].z;
      const b = data.anchors[selB.selectedIndex].z;
      const t = Number(slider.value) / Number(slider.max);
      slider.setAttribute("aria-valuetext", "t = " + t.toFixed(2));
      return setZ((1 - t) * a[0] + t * b[0], (1 - t) * a[1] + t * b[1]);
    }
    slider.addEventListener("input", interpolate);
    selA.addEventListener("change", interpolate);
    selB.addEventListener("change", interpolate);

    setZ(0, 0);
    registry[root.id] = {
      decode: (z1, z2) => Array.from(decode(layers, [z1, z2])),
      setZ: setZ,
      getZ: () => z.slice(),
      interpolate: interpolate,
      checks: () => ({ z: data.checks.z, pixels: Array.from(bytes(data.checks.pixels)), quantisation: data.checks.quantisation }),
      canvasPixels: function () {
        const d = dctx.getImageData(0, 0, side, side).data;
        const out = [];
        for (let k = 0; k < side * side; k++) out.push(1 - d[4 * k] / 255);
        return out;
      },
      timeDecode: function (reps) {
        const t0 = performance.now();
        for (let r = 0; r < reps; r++) decode(layers, [Math.sin(r), Math.cos(r)]);
        return (performance.now() - t0) / reps;
      },
    };
  }

  // Curves over x for each value of a slider (e.g. fits of one normal to two modes).
  function curveExplorer(root, data) {
    const svg = root.querySelector(".vx-plot");
    const slider = root.querySelector(".vx-t");
    const readout = root.querySelector(".vx-readout");
    const W = 560;
    const H = 260;
    const pad = 30;
    const xs = data.x;
    const xmin = xs[0];
    const xmax = xs[xs.length - 1];
    const sx = (v) => pad + ((v - xmin) / (xmax - xmin)) * (W - 2 * pad);
    const sy = (v) => H - pad - (v / data.ymax) * (H - 2 * pad);
    const lines = data.curves.map(function (c) {
      const el = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
      el.setAttribute("fill", "none");
      el.setAttribute("stroke", c.colour);
      el.setAttribute("stroke-width", c.width || 2);
      if (c.dash) el.setAttribute("stroke-dasharray", c.dash);
      svg.appendChild(el);
      return el;
    });
    function show(k) {
      data.curves.forEach(function (c, i) {
        const ys = c.y[k];
        lines[i].setAttribute("points", xs.map((v, j) => sx(v).toFixed(1) + "," + sy(ys[j]).toFixed(1)).join(" "));
      });
      const text = data.labels[k];
      readout.textContent = text;
      slider.setAttribute("aria-valuetext", text);
    }
    slider.addEventListener("input", () => show(Number(slider.value)));
    show(Number(slider.value));
    registry[root.id] = {
      show: show,
      points: (i) => lines[i].getAttribute("points"),
      readout: () => readout.textContent,
    };
  }

  window.vaelibWidgetInit = window.vaelibWidgetInit || { latent: latentExplorer, curves: curveExplorer };
})();
