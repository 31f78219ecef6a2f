/* The gate explorer: one LSTM unit (one input, one hidden unit) to play with
 * in the browser, with no kernel and no network.
 *
 * A page asks for it with <div class="gate-explorer">; its text is what
 * Jupyter and Colab show. The set-up (slider ranges, the worked example's
 * starting values, the two companies' prices, the course's colours) comes
 * from lstm_lib through the JSON script #gate-explorer-setup, written by the
 * Sphinx extension _ext/gate_explorer.py. The arithmetic is
 * lstm_cell_forward's for H = D = 1, in the same order, so the page shows
 * lstm_lib's numbers: the browser test compares every element marked
 * data-quantity with the build's cases.
 */
(function () {
  "use strict";

  const SVG_NS = "http://www.w3.org/2000/svg";
  const MINUS = "\u2212";
  const BLOCKS = ["f", "i", "c", "o"]; // the order the chapter explains
  const PARTS = [ // each block's three numbers, as in the chapter's table
    ["wh", "weight on h<sub>t\u22121</sub>"],
    ["wx", "weight on x<sub>t</sub>"],
    ["b", "bias"],
  ];
  const INPUTS = [
    ["x_t", "input x<sub>t</sub>"],
    ["h_prev", "short-term memory h<sub>t\u22121</sub>"],
    ["c_prev", "long-term memory c<sub>t\u22121</sub>"],
  ];
  const SYMBOL = { f: "f", i: "i", c: "c\u0303", o: "o" };
  const GATE = { f: "f", i: "i", c: "g", o: "o" }; // the value's name in code
  const ACTIVATION = { f: "\u03c3", i: "\u03c3", c: "tanh", o: "\u03c3" };

  // ---- the arithmetic: lstm_lib's one step for one unit -------------------

  function sigmoid(z) { // lstm_lib.activations.sigmoid, overflow-free
    const e = Math.exp(-Math.abs(z));
    return z >= 0 ? 1 / (1 + e) : e / (1 + e);
  }

  function step(x, h, c, w) {
    // z = x_t @ kernel + h_prev @ recurrent_kernel + bias, block by block
    const z = {};
    for (const k of BLOCKS) z[k] = x * w[k].wx + h * w[k].wh + w[k].b;
    const f = sigmoid(z.f), i = sigmoid(z.i), g = Math.tanh(z.c);
    const o = sigmoid(z.o);
    const cNew = f * c + i * g; // the cell update
    const tanhC = Math.tanh(cNew);
    return {
      z, f, i, g, o, c: cNew, tanh_c: tanhC, h: o * tanhC,
      kept: f * c, written: i * g,
    };
  }

  function sequence(prices, w) { // lstm_forward from zero memories
    let h = 0, c = 0, carried = 0;
    return prices.map((x, d) => {
      const s = step(x, h, c, w);
      h = s.h;
      c = s.c;
      // day 1's memory still in c_t on day d: f_2 ... f_d c_1
      carried = d === 0 ? s.c : s.f * carried;
      s.carried = carried;
      return s;
    });
  }

  // ---- formatting -----------------------------------------------------------

  function fmt(value, decimals) {
    let text = value.toFixed(decimals);
    if (Number(text) === 0) text = (0).toFixed(decimals); // no "-0.0000"
    return text.replace("-", MINUS);
  }

  function value(quantity, v, decimals) { // a number the test can find
    return `<span data-quantity="${quantity}">${fmt(v, decimals)}</span>`;
  }

  function factor(quantity, v, decimals) { // in brackets when negative
    const text = value(quantity, v, decimals);
    return v < 0 && fmt(v, decimals) !== fmt(0, decimals) ? `(${text})` : text;
  }

  function added(quantity, v, decimals) { // " + 0.62" or " − 0.32"
    // the sign becomes the operator; data-sign tells the test it is there
    const negative = fmt(v, decimals).startsWith(MINUS);
    return ` ${negative ? MINUS : "+"} <span data-quantity="${quantity}"` +
      `${negative ? ' data-sign="-"' : ""}>${fmt(Math.abs(v), decimals)}</span>`;
  }

  function el(tag, attrs, html) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (html !== undefined) node.innerHTML = html;
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  }

  // ---- the cell diagram: the chapter's figure, same layout and colours ----

  // The chapter draws in data units with y upwards; here 40 px per unit, y
  // downwards, and a little more room on both sides for the values.
  const UNIT = 40, X0 = -1.3, X1 = 14.0, Y0 = -0.7, Y1 = 7.6;
  const X = (x) => ((x - X0) * UNIT).toFixed(1);
  const Y = (y) => ((Y1 - y) * UNIT).toFixed(1);
  const G = {
    yCell: 6.2, yBus: 1.0, yGate: 3.0, yMul: 4.7,
    x: { f: 2.6, i: 4.4, c: 6.2, o: 8.0 }, xOut: 10.4,
  };

  function drawDiagram(colors, ids) {
    const root = svg("svg", {
      viewBox: `0 0 ${(X1 - X0) * UNIT} ${(Y1 - Y0) * UNIT}`,
      class: "ge-diagram", "aria-hidden": "true", focusable: "false",
    });
    const defs = root.appendChild(svg("defs"));
    for (const name of ["ink", "cell", "hidden"]) {
      const marker = defs.appendChild(svg("marker", {
        id: `${ids}-arrow-${name}`, viewBox: "0 0 10 10", refX: "9",
        refY: "5", markerWidth: "7", markerHeight: "7",
        orient: "auto-start-reverse",
      }));
      marker.appendChild(svg("path", {
        d: "M0,0 L10,5 L0,10 z", class: `ge-tip-${name}`,
      }));
    }
    const line = (x0, y0, x1, y1, cls, arrow) => {
      const node = root.appendChild(svg("line", {
        x1: X(x0), y1: Y(y0), x2: X(x1), y2: Y(y1), class: cls,
      }));
      if (arrow) node.setAttribute("marker-end", `url(#${ids}-arrow-${arrow})`);
    };
    // a text of label parts and value slots: [["c", "t\u22121", " = "], "c_prev"]
    // draws c with a subscript, then the value of c_prev
    const slots = {};
    const text = (x, y, parts, cls, anchor) => {
      const node = root.appendChild(svg("text", {
        x: X(x), y: Y(y), class: cls, "text-anchor": anchor || "middle",
      }));
      for (const part of parts) {
        if (typeof part === "string") { // a value slot
          const span = node.appendChild(svg("tspan", { "data-quantity": part }));
          slots[part] = slots[part] || [];
          slots[part].push(span);
        } else {
          const [main, sub, rest] = part;
          node.appendChild(svg("tspan")).textContent = main;
          if (sub) {
            node.appendChild(svg("tspan", { class: "ge-sub", dy: "0.3em" }))
              .textContent = sub;
            node.appendChild(svg("tspan", { dy: "-0.3em" })).textContent = "";
          }
          if (rest) node.appendChild(svg("tspan")).textContent = rest;
        }
      }
      return node;
    };
    const operation = (x, y, symbol) => {
      root.appendChild(svg("circle", {
        cx: X(x), cy: Y(y), r: 0.32 * UNIT, class: "ge-op",
      }));
      text(x, y - 0.1, [[symbol]], "ge-op-symbol ge-inside");
    };

    // the cell state along the top: one product, one sum, no weights
    line(-1.1, G.yCell, G.x.f - 0.32, G.yCell, "ge-cell");
    line(G.x.f + 0.32, G.yCell, G.x.c - 0.32, G.yCell, "ge-cell");
    line(G.x.c + 0.32, G.yCell, 12.3, G.yCell, "ge-cell", "cell");
    text(3.1, G.yCell + 0.62, [["cell state (long-term memory)"]],
      "ge-note ge-cell-text ge-wide", "start");
    text(-1.1, G.yCell + 0.55, [["c", "t\u22121", " = "], "c_prev"],
      "ge-value ge-cell-text ge-wide", "start");
    text(-1.1, G.yCell + 0.55, [["c "], "c_prev"],
      "ge-value ge-cell-text ge-narrow", "start");
    text(13.4, G.yCell + 0.55, [["c", "t", " = "], "c_t"],
      "ge-value ge-cell-text ge-wide", "end");
    text(13.4, G.yCell + 0.55, [["c "], "c_t"],
      "ge-value ge-cell-text ge-narrow", "end");
    operation(G.x.f, G.yCell, "\u00d7");
    operation(G.x.c, G.yCell, "+");

    // h_{t-1} and x_t feed all four blocks
    line(-1.1, G.yBus, G.x.o, G.yBus, "ge-hidden");
    line(1.3, -0.3, 1.3, G.yBus, "ge-ink");
    root.appendChild(svg("circle", {
      cx: X(1.3), cy: Y(G.yBus), r: 4, class: "ge-ink-fill",
    }));
    text(-1.1, G.yBus + 0.45, [["h", "t\u22121", " = "], "h_prev"],
      "ge-value ge-hidden-text ge-wide", "start");
    text(-1.1, G.yBus - 0.6, [["h "], "h_prev"],
      "ge-value ge-hidden-text ge-narrow", "start");
    text(1.5, -0.15, [["x", "t", " = "], "x_t"], "ge-value ge-wide", "start");
    text(1.9, -0.15, [["x "], "x_t"], "ge-value ge-narrow", "start");
    for (const k of BLOCKS) {
      line(G.x[k], G.yBus, G.x[k], G.yGate - 0.42, "ge-hidden ge-thin");
    }

    // the four blocks; under each a meter of its value, then the value
    const meters = {};
    const names = { f: "forget", i: "input", c: "candidate", o: "output" };
    for (const k of BLOCKS) {
      const x = G.x[k];
      const color = k === "c" ? colors.orange : colors.blue;
      root.appendChild(svg("rect", {
        x: X(x - 0.5), y: Y(G.yGate + 0.38), width: UNIT,
        height: 0.76 * UNIT, rx: 4, fill: color,
      }));
      const onBlock = k === "c" ? "ge-block-text ge-on-orange" : "ge-block-text";
      text(x, G.yGate - 0.08, [[ACTIVATION[k]]], `${onBlock} ge-inside ge-wide`);
      text(x, G.yGate - 0.08, [[SYMBOL[k]]], `${onBlock} ge-inside ge-narrow`);
      // a sigmoid gate fills from the left by its value in (0, 1), the
      // candidate from the centre by its value in (-1, 1)
      root.appendChild(svg("rect", {
        x: X(x - 0.5), y: Y(G.yGate - 0.5), width: UNIT, height: 7,
        class: "ge-meter-track",
      }));
      meters[k] = root.appendChild(svg("rect", {
        x: X(x - 0.5), y: Y(G.yGate - 0.5), width: 0, height: 7, fill: color,
        "data-meter": GATE[k],
      }));
      text(x, G.yGate - 0.95, [GATE[k]], "ge-value ge-block-value ge-wide");
      // on a phone the values alternate in height, so that they fit
      text(x, G.yGate - (k === "f" || k === "c" ? 1.05 : 1.9), [GATE[k]],
        "ge-value ge-block-value ge-narrow");
      text(x, G.yGate - 1.5, [[names[k]]], "ge-note ge-on-line ge-wide");
    }

    // f scales the old memory; i times the candidate is added to it
    line(G.x.f, G.yGate + 0.42, G.x.f, G.yCell - 0.32, "ge-ink", "ink");
    line(G.x.i, G.yGate + 0.42, G.x.i, G.yMul, "ge-ink");
    line(G.x.i, G.yMul, G.x.c - 0.32, G.yMul, "ge-ink", "ink");
    line(G.x.c, G.yGate + 0.42, G.x.c, G.yMul - 0.32, "ge-ink", "ink");
    operation(G.x.c, G.yMul, "\u00d7");
    line(G.x.c, G.yMul + 0.32, G.x.c, G.yCell - 0.32, "ge-ink", "ink");
    text(G.x.f + 0.15, G.yCell - 0.8, [["f\u00b7c", "t\u22121", " = "], "kept"],
      "ge-value ge-small ge-wide", "start");
    text(G.x.c + 0.45, G.yMul, [["i\u00b7c\u0303 = "], "written"],
      "ge-value ge-small ge-wide", "start");

    // output: o times tanh(c_t) is h_t
    line(G.xOut, G.yCell, G.xOut, 5.19, "ge-cell ge-thin");
    root.appendChild(svg("rect", {
      x: X(G.xOut - 0.65), y: Y(5.15), width: 1.3 * UNIT,
      height: 0.6 * UNIT, rx: 4, class: "ge-tanh-box",
    }));
    text(G.xOut, 4.83, [["tanh"]], "ge-small ge-inside");
    text(G.xOut + 0.75, 3.9, ["tanh_c"], "ge-value", "start");
    line(G.xOut, 4.51, G.xOut, G.yGate + 0.32, "ge-ink", "ink");
    line(G.x.o + 0.54, G.yGate, G.xOut - 0.32, G.yGate, "ge-ink", "ink");
    operation(G.xOut, G.yGate, "\u00d7");
    line(G.xOut, G.yGate - 0.32, G.xOut, G.yBus, "ge-hidden");
    line(G.xOut, G.yBus, 12.3, G.yBus, "ge-hidden", "hidden");
    text(13.4, G.yBus - 0.6, [["h", "t", " = "], "h_t"],
      "ge-value ge-hidden-text ge-wide", "end");
    text(13.4, G.yBus - 0.6, [["h "], "h_t"],
      "ge-value ge-hidden-text ge-narrow", "end");
    return { root, slots, meters };
  }

  function showOnDiagram(diagram, shown) {
    for (const [quantity, spans] of Object.entries(diagram.slots)) {
      const [v, decimals] = shown[quantity];
      for (const span of spans) span.textContent = fmt(v, decimals);
    }
    for (const k of BLOCKS) {
      const v = shown[GATE[k]][0];
      const meter = diagram.meters[k];
      if (k === "c") { // from the centre, left for negative values
        const centre = Number(X(G.x.c));
        const width = Math.abs(v) * UNIT / 2;
        meter.setAttribute("x", (v >= 0 ? centre : centre - width).toFixed(2));
        meter.setAttribute("width", width.toFixed(2));
      } else {
        meter.setAttribute("width", (v * UNIT).toFixed(2));
      }
    }
  }

  // ---- one step: sliders, each with a number field -------------------------

  function slider(ids, id, labelHtml, spec, groupId) {
    const inputId = `${ids}-${id.replace(".", "-")}`;
    const labelId = `${inputId}-label`;
    const named = groupId ? `${groupId} ${labelId}` : labelId;
    const wrap = el("div", { class: "ge-slider" });
    const label = el("label", { for: inputId, id: labelId }, labelHtml);
    const range = el("input", {
      type: "range", id: inputId, min: spec.min, max: spec.max,
      step: spec.step, value: spec.value, "data-setting": id,
      "aria-labelledby": named,
    });
    const field = el("input", {
      type: "number", min: spec.min, max: spec.max, step: spec.step,
      value: spec.value.toFixed(2), "data-field": id, inputmode: "decimal",
      "aria-labelledby": named,
    });
    wrap.append(label, range, field);
    return { wrap, range, field, spec };
  }

  function inRange(text, spec) {
    const v = text.trim() === "" ? NaN : Number(text);
    return Number.isFinite(v) && v >= spec.min && v <= spec.max ? v : null;
  }

  // A field typed into keeps what it had when the reader entered it, and
  // goes back to that if what the reader leaves in it is not a number in
  // range; valid numbers apply as they are typed.
  function watchField(field, spec, apply, putBack) {
    let before = field.value;
    field.addEventListener("focus", () => { before = field.value; });
    field.addEventListener("input", () => {
      const v = inRange(field.value, spec);
      if (v !== null) apply(v);
    });
    field.addEventListener("change", () => {
      if (inRange(field.value, spec) === null) {
        const typed = field.value;
        field.value = before;
        apply(inRange(before, spec));
        putBack(typed, before);
      } else {
        before = field.value;
        putBack(null);
      }
    });
  }

  function rangeText(spec) { // the ends as the set-up gives them, not rounded
    const end = (v) => String(v).replace("-", MINUS);
    return `from ${end(spec.min)} to ${end(spec.max)}`;
  }

  // the height of the page's sticky header, under which the figure sticks
  function stickyHeaderHeight() {
    let height = 0;
    for (const node of document.querySelectorAll("#pst-header, .bd-header-article")) {
      const style = getComputedStyle(node);
      if (["sticky", "fixed"].includes(style.position) && node.offsetHeight) {
        height = Math.max(height, (parseFloat(style.top) || 0) + node.offsetHeight);
      }
    }
    return height;
  }

  function build(host, setup, index) {
    const ids = `ge${index}`;
    const level = String(Number(host.dataset.headingLevel) || 3);
    const sliders = {};
    const section = el("section", {
      class: "ge", "aria-label": "LSTM gate explorer: one unit, one input",
    });

    // --- the figure: diagram and summary, kept in view while sliding ---
    const stepPart = section.appendChild(el("div", { class: "ge-step" }));
    stepPart.appendChild(el("p", {
      class: "ge-heading", role: "heading", "aria-level": level,
    }, "One step of one unit"));
    const figure = stepPart.appendChild(el("div", { class: "ge-figure" }));
    const diagram = drawDiagram(setup.colors, ids);
    figure.appendChild(diagram.root);
    const summary = figure.appendChild(el("p", {
      class: "ge-summary", "aria-live": "polite", "aria-atomic": "true",
    }));

    // --- the controls, each block with its equation ---
    const controls = stepPart.appendChild(el("div", { class: "ge-controls" }));
    const equations = {};
    const group = (legendHtml, legendId, cls) => { // legendId names sliders
      const set = controls.appendChild(el("fieldset", { class: `ge-group ${cls}` }));
      set.appendChild(el("legend", legendId ? { id: legendId } : {}, legendHtml));
      return set;
    };
    const inputsSet = group("This step's input and memories", null, "ge-inputs");
    for (const [id, html] of INPUTS) {
      sliders[id] = slider(ids, id, html, setup.sliders[id], null);
      inputsSet.appendChild(sliders[id].wrap);
    }
    for (const k of BLOCKS) {
      const set = group(`${setup.block_names[k]} ${SYMBOL[k]}`, `${ids}-${k}`,
        `ge-block-${k}`);
      for (const [part, html] of PARTS) {
        const id = `${k}.${part}`;
        sliders[id] = slider(ids, id, html, setup.sliders[id], `${ids}-${k}`);
        set.appendChild(sliders[id].wrap);
      }
      equations[k] = set.appendChild(el("p", { class: "ge-equation" }));
    }
    const memory = group("The new memories", null, "ge-memory");
    equations.c_t = memory.appendChild(el("p", { class: "ge-equation" }));
    equations.h_t = memory.appendChild(el("p", { class: "ge-equation" }));
    const reset = memory.appendChild(el("button", {
      type: "button", class: "ge-button",
    }, "Back to the worked example"));

    // --- the sequence: two companies, day by day ---
    const hint = stepPart.appendChild(el("p", { class: "ge-hint" },
      "A field takes a number in its slider's range; anything else is put " +
      "back when you leave the field."));
    const announce = stepPart.appendChild(el("p", {
      class: "ge-sr-only", role: "status",
    }));
    hint.id = `${ids}-hint`;
    const seq = buildSequence(setup, level, ids);
    section.appendChild(seq.part);

    function settings() {
      const s = {};
      for (const [id, control] of Object.entries(sliders)) {
        s[id] = Number(control.range.value);
      }
      return s;
    }

    function update() {
      const s = settings();
      const w = {};
      for (const k of BLOCKS) {
        w[k] = { wh: s[`${k}.wh`], wx: s[`${k}.wx`], b: s[`${k}.b`] };
      }
      for (const [id, control] of Object.entries(sliders)) {
        const text = fmt(s[id], 2);
        control.range.setAttribute("aria-valuetext", text);
        if (document.activeElement !== control.field) {
          control.field.value = s[id].toFixed(2);
          control.field.removeAttribute("aria-invalid");
        }
      }
      const r = step(s.x_t, s.h_prev, s.c_prev, w);
      showOnDiagram(diagram, {
        x_t: [s.x_t, 2], h_prev: [s.h_prev, 2], c_prev: [s.c_prev, 2],
        f: [r.f, 4], i: [r.i, 4], g: [r.g, 4], o: [r.o, 4], c_t: [r.c, 4],
        h_t: [r.h, 4], kept: [r.kept, 4], written: [r.written, 4],
        tanh_c: [r.tanh_c, 4],
      });
      for (const k of BLOCKS) {
        const sub = `<sub>${SYMBOL[k]}</sub>`;
        equations[k].innerHTML =
          `<span class="ge-line">z${sub} = ${value(`${k}.wh`, w[k].wh, 2)}` +
          `\u00b7${factor("h_prev", s.h_prev, 2)}` +
          `${added(`${k}.wx`, w[k].wx, 2)}\u00b7${factor("x_t", s.x_t, 2)}` +
          `${added(`${k}.b`, w[k].b, 2)} = ${value(`z_${k}`, r.z[k], 4)}</span>` +
          `<span class="ge-line">${SYMBOL[k]} = ${ACTIVATION[k]}(z${sub}) = ` +
          `${value(GATE[k], r[GATE[k]], 4)}</span>`;
      }
      equations.c_t.innerHTML =
        `<span class="ge-line">c<sub>t</sub> = f\u00b7c<sub>t\u22121</sub> + ` +
        `i\u00b7c\u0303</span><span class="ge-line">= ${value("f", r.f, 4)}` +
        `\u00b7${factor("c_prev", s.c_prev, 2)} + ${value("i", r.i, 4)}` +
        `\u00b7${factor("g", r.g, 4)} = ${value("c_t", r.c, 4)}</span>`;
      equations.h_t.innerHTML =
        `<span class="ge-line">h<sub>t</sub> = o\u00b7tanh(c<sub>t</sub>)</span>` +
        `<span class="ge-line">= ${value("o", r.o, 4)}\u00b7` +
        `${factor("tanh_c", r.tanh_c, 4)} = ${value("h_t", r.h, 4)}</span>`;
      summary.innerHTML =
        `<span class="ge-line">Long-term memory c<sub>t</sub> = ` +
        `${value("c_t", r.c, 4)}</span><span class="ge-line">Short-term ` +
        `memory h<sub>t</sub> = ${value("h_t", r.h, 4)}</span>`;
      seq.update(w);
    }

    for (const control of Object.values(sliders)) {
      control.range.addEventListener("input", update);
      control.field.setAttribute("aria-describedby", `${ids}-hint`);
      watchField(control.field, control.spec, (v) => {
        control.range.value = v; // the browser snaps it to the step
        update();
      }, (typed, back) => {
        const name = control.range.getAttribute("aria-labelledby").split(" ")
          .map((id) => document.getElementById(id).textContent).join(" ");
        announce.textContent = typed === null ? "" : `${name} must be a ` +
          `number ${rangeText(control.spec)}; it is back at ${back}.`;
      });
      control.field.addEventListener("change", () => {
        control.field.value = Number(control.range.value).toFixed(2);
      });
    }
    reset.addEventListener("click", () => {
      for (const [id, control] of Object.entries(sliders)) {
        control.range.value = setup.sliders[id].value;
      }
      seq.reset();
      update();
    });
    host.replaceChildren(section);
    host.classList.add("ge-ready");
    // The figure sticks under the page's header while the sliders scroll,
    // when it leaves them at least 40 % of the screen; the controls then
    // scroll into view below it, not under it.
    const placeFigure = () => {
      const top = stickyHeaderHeight();
      const sticky = figure.offsetHeight <= 0.6 * (window.innerHeight - top);
      section.classList.toggle("ge-sticky", sticky);
      section.style.setProperty("--ge-top", `${top}px`);
      section.style.setProperty("--ge-figure-height", `${figure.offsetHeight}px`);
    };
    new ResizeObserver(placeFigure).observe(figure);
    window.addEventListener("resize", placeFigure);
    update();
  }

  // ---- the sequence view ----------------------------------------------------

  function buildSequence(setup, level, ids) {
    const companies = setup.companies;
    const nDays = companies.prices[0].length;
    const spec = setup.sliders.x_t;
    const part = el("div", { class: "ge-sequence" });
    part.style.setProperty("--ge-days", nDays);
    part.appendChild(el("p", {
      class: "ge-heading", role: "heading", "aria-level": "3",
    }, "Two companies, day by day (the same unit, from zero memories)"));
    part.lastChild.setAttribute("aria-level", level);

    // the prices, editable
    const pricesTable = el("table", { class: "ge-table ge-prices" });
    pricesTable.appendChild(el("caption", { id: `${ids}-prices` },
      `Prices x<sub>t</sub> (editable, ${rangeText(spec)})`));
    const head = pricesTable.appendChild(el("thead")).appendChild(el("tr"));
    head.appendChild(el("th", { scope: "col" }, "company"));
    for (let d = 1; d <= nDays; d++) {
      head.appendChild(el("th", { scope: "col" }, `day ${d}`));
    }
    const body = pricesTable.appendChild(el("tbody"));
    const priceInputs = companies.names.map((name, row) => {
      const tr = body.appendChild(el("tr"));
      tr.appendChild(el("th", { scope: "row" }, name));
      return companies.prices[row].map((price, d) => {
        const input = el("input", {
          type: "number", min: spec.min, max: spec.max, step: spec.step,
          value: price, inputmode: "decimal",
          "aria-label": `${name}, price on day ${d + 1}`,
          "aria-describedby": `${ids}-prices`,
          "data-price": `${row},${d}`,
        });
        tr.appendChild(el("td")).appendChild(input);
        return input;
      });
    });
    part.appendChild(el("div", { class: "ge-scroll" })).appendChild(pricesTable);
    const error = part.appendChild(el("p", { class: "ge-error", role: "alert" }));

    // stepping; a button at its end is marked, not disabled, so that focus
    // stays on it
    const nav = part.appendChild(el("div", { class: "ge-nav" }));
    const back = nav.appendChild(el("button", { type: "button", class: "ge-button" },
      "\u2190 Previous day"));
    const next = nav.appendChild(el("button", { type: "button", class: "ge-button" },
      "Next day \u2192"));
    const status = nav.appendChild(el("p", {
      class: "ge-status", "aria-live": "polite", "aria-atomic": "true",
    }));

    // the results, one column per day, one row group per company
    const results = el("table", { class: "ge-table ge-results" });
    results.appendChild(el("caption", {}, "What the unit computes each day"));
    const rhead = results.appendChild(el("thead")).appendChild(el("tr"));
    rhead.appendChild(el("td"));
    for (let d = 1; d <= nDays; d++) {
      rhead.appendChild(el("th", { scope: "col" }, `day ${d}`));
    }
    const ROWS = [["f", "forget f"], ["i", "input i"], ["g", "candidate c\u0303"],
      ["o", "output o"], ["c", "cell c<sub>t</sub>"], ["h", "hidden h<sub>t</sub>"],
      ["carried", "day 1 left in c<sub>t</sub>"]];
    const cells = companies.names.map((name, row) => {
      const group = results.appendChild(el("tbody"));
      group.appendChild(el("tr", { class: "ge-company-row" })).appendChild(
        el("th", { scope: "rowgroup", colspan: nDays + 1 }, `company ${name}`));
      const byQuantity = {};
      for (const [key, label] of ROWS) {
        const tr = group.appendChild(el("tr"));
        tr.appendChild(el("th", { scope: "row" }, label));
        byQuantity[key] = [];
        for (let d = 0; d < nDays; d++) {
          byQuantity[key].push(tr.appendChild(el("td", {
            "data-company": row, "data-day": d + 1, "data-quantity": key,
          })));
        }
      }
      return byQuantity;
    });
    part.appendChild(el("div", { class: "ge-scroll" })).appendChild(results);

    // the prediction: one line per company, there before the last day too
    const prediction = part.appendChild(el("div", { class: "ge-prediction" }));
    const chart = part.appendChild(el("div", { class: "ge-chart" }));

    let day = 1, weights = null;
    // the prices the days use: each field's last valid value
    const prices = companies.prices.map((row) => row.slice());

    function announceDay() { // the live status: only when the day changes
      const days = prices.map((p) => sequence(p, weights));
      const left = days.map((companyDays, r) =>
        `${companies.names[r]} ${fmt(companyDays[day - 1].carried, 4)}`);
      status.innerHTML = `Day ${day} of ${nDays}<span class="ge-sr-only">. ` +
        `Day 1's memory left in the cell state: ${left.join(", ")}.</span>`;
    }

    function render() {
      if (weights === null) return;
      const days = prices.map((p) => sequence(p, weights));
      days.forEach((companyDays, row) => {
        for (const [key, tds] of Object.entries(cells[row])) {
          tds.forEach((td, d) => {
            td.innerHTML = d < day
              ? fmt(companyDays[d][key], 4)
              : `<span aria-hidden="true">\u00b7</span>` +
                `<span class="ge-sr-only">not yet</span>`;
          });
        }
      });
      if (!status.textContent) announceDay();
      back.setAttribute("aria-disabled", String(day === 1));
      next.setAttribute("aria-disabled", String(day === nDays));
      const last = day === nDays;
      prediction.innerHTML = `<p>Prediction for day ${nDays + 1} ` +
        `(h<sub>${nDays}</sub>):</p>` + companies.names.map((name, r) => {
        const edited = prices[r].some((p, d) => p !== companies.prices[r][d]);
        const shown = last
          ? `<span data-prediction="${r}">${fmt(days[r][nDays - 1].h, 4)}</span>` +
            (edited ? " (prices edited)" : ` (actual ${companies.day5[r]})`)
          : `<span class="ge-muted">shown on day ${nDays}</span>`;
        return `<p>company ${name}: ${shown}</p>`;
      }).join("");
      drawChart(chart, days, day, companies.names, setup.colors);
    }

    back.addEventListener("click", () => {
      if (day > 1) { day -= 1; render(); announceDay(); }
    });
    next.addEventListener("click", () => {
      if (day < nDays) { day += 1; render(); announceDay(); }
    });
    priceInputs.forEach((row, r) => row.forEach((input, d) => {
      // while typing ("-" on the way to "-0.5") no alarm; only what is left
      // in the field when the reader moves on is checked
      watchField(input, spec, (v) => { prices[r][d] = v; render(); }, (typed, back) => {
        error.textContent = typed === null ? "" : `${companies.names[r]}, day ` +
          `${d + 1}: a price must be a number ${rangeText(spec)}; "${typed}" ` +
          `is not, so it is back at ${back}.`;
      });
    }));
    return {
      part,
      update(w) { weights = w; render(); },
      reset() {
        priceInputs.forEach((row, r) => row.forEach((input, d) => {
          input.value = companies.prices[r][d];
          prices[r][d] = companies.prices[r][d];
        }));
        error.textContent = "";
        day = 1;
        status.textContent = "";
      },
    };
  }

  function drawChart(host, allDays, day, names, colors) {
    // c_t of each company up to the current day; the axes are set by all
    // days, so they stay put while stepping
    const W = 480, H = 250, left = 56, right = 16, top = 30, bottom = 74;
    const values = allDays.flat().map((s) => s.c).concat([0]);
    let lo = Math.min(...values), hi = Math.max(...values);
    if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
    const pad = 0.08 * (hi - lo);
    const n = allDays[0].length;
    const px = (d) => left + (d - 1) * (W - left - right) / (n - 1);
    const py = (v) => top + (hi + pad - v) * (H - top - bottom) / (hi - lo + 2 * pad);
    const shown = day === 1 ? "on day 1" : `on days 1 to ${day}`;
    const root = svg("svg", {
      viewBox: `0 0 ${W} ${H}`, class: "ge-chart-svg", role: "img",
      "aria-label": `Chart of the cell state of each company ${shown}: ` +
        names.map((name, r) => `company ${name} ` + allDays[r].slice(0, day)
          .map((s) => fmt(s.c, 2)).join(", ")).join("; "),
    });
    const add = (tag, attrs, content) => {
      const node = root.appendChild(svg(tag, attrs));
      if (content !== undefined) node.textContent = content;
      return node;
    };
    add("text", { x: W / 2, y: 18, class: "ge-chart-title", "text-anchor": "middle" },
      "Cell state c\u209c, day by day");
    add("line", { x1: left, x2: W - right, y1: py(0), y2: py(0), class: "ge-axis-zero" });
    add("line", { x1: left, x2: left, y1: top, y2: H - bottom, class: "ge-axis" });
    add("line", { x1: left, x2: W - right, y1: H - bottom, y2: H - bottom, class: "ge-axis" });
    for (let d = 1; d <= n; d++) {
      add("text", { x: px(d), y: H - bottom + 18, "text-anchor": "middle" }, String(d));
    }
    // round ticks, 0 among them whenever it is in range
    const span = hi - lo + 2 * pad;
    const tick = [0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10].find((t) => span / t <= 5) || 10;
    const decimals = tick < 1 ? (tick === 0.25 ? 2 : 1) : 0;
    for (let v = Math.ceil((lo - pad) / tick) * tick; v <= hi + pad; v += tick) {
      add("line", { x1: left - 4, x2: left, y1: py(v), y2: py(v), class: "ge-axis" });
      add("text", { x: left - 7, y: py(v) + 5, "text-anchor": "end" }, fmt(v, decimals));
    }
    add("text", { x: (left + W - right) / 2, y: H - bottom + 38, "text-anchor": "middle" },
      "day");
    add("text", { x: 16, y: (top + H - bottom) / 2, "text-anchor": "middle",
      transform: `rotate(-90 16 ${(top + H - bottom) / 2})` }, "c\u209c");
    const palette = [colors.blue, colors.orange];
    const marker = (r, x, y) => add(r ? "rect" : "circle", r
      ? { x: x - 4.5, y: y - 4.5, width: 9, height: 9, fill: palette[r] }
      : { cx: x, cy: y, r: 5, fill: palette[r] });
    allDays.forEach((days, r) => {
      add("polyline", {
        points: days.slice(0, day).map((s, d) => `${px(d + 1)},${py(s.c)}`).join(" "),
        fill: "none", stroke: palette[r], "stroke-width": 2.5,
        "stroke-dasharray": r ? "6 4" : "none",
      });
      days.slice(0, day).forEach((s, d) => marker(r, px(d + 1), py(s.c)));
      // the legend, under the plot: a line and marker, then the name
      const lx = left + 40 + 170 * r, ly = H - 10;
      add("line", { x1: lx, x2: lx + 28, y1: ly - 5, y2: ly - 5, stroke: palette[r],
        "stroke-width": 2.5, "stroke-dasharray": r ? "6 4" : "none" });
      marker(r, lx + 14, ly - 5);
      add("text", { x: lx + 36, y: ly, class: "ge-legend" }, `company ${names[r]}`);
    });
    host.replaceChildren(root);
  }

  // ---- start ----------------------------------------------------------------

  function start() {
    const data = document.getElementById("gate-explorer-setup");
    if (!data) return;
    const setup = JSON.parse(data.textContent);
    // the count of explorers built so far keeps every explorer's ids apart
    document.querySelectorAll(".gate-explorer:not(.ge-ready)").forEach((host) => {
      build(host, setup, document.querySelectorAll(".ge").length);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
