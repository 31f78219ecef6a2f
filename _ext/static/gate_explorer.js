/* The gate explorer: one LSTM unit (one input, one hidden unit) to play with
 * in the browser, with no kernel and no network.
 *
 * A page asks for it with <div class="gate-explorer">; its text is what
 * Jupyter and Colab show. The set-up (slider ranges, the worked example's
 * starting values, the two companies' prices, the course's colours) comes
 * from lstm_lib through the JSON script #gate-explorer-setup, written by the
 * Sphinx extension _ext/gate_explorer.py. The arithmetic below is
 * lstm_cell_forward's for H = D = 1, in the same order, so the page shows
 * lstm_lib's numbers (the browser test compares them with the build's cases).
 */
(function () {
  "use strict";

  const SVG_NS = "http://www.w3.org/2000/svg";
  const MINUS = "\u2212";
  const TEXT_ORDER = ["f", "i", "c", "o"]; // the order the chapter explains
  const PARTS = [ // the three numbers of each block, as in the chapter's table
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

  // ---- the arithmetic: lstm_lib's one step for one unit -------------------

  function sigmoid(z) { // lstm_lib.activations.sigmoid, overflow-free
    const e = Math.exp(-Math.abs(z));
    return z >= 0 ? 1 / (1 + e) : e / (1 + e);
  }

  function step(x, h, c, w) {
    // z = x_t @ kernel + h_prev @ recurrent_kernel + bias, one block at a time
    const z = {};
    for (const k of TEXT_ORDER) z[k] = x * w[k].wx + h * w[k].wh + w[k].b;
    const f = sigmoid(z.f), i = sigmoid(z.i), g = Math.tanh(z.c);
    const o = sigmoid(z.o);
    const cNew = f * c + i * g; // the cell update
    const tanhC = Math.tanh(cNew);
    return { z, f, i, g, o, c: cNew, tanhC, h: o * tanhC };
  }

  function sequence(prices, w) { // lstm_forward from zero memories
    let h = 0, c = 0;
    const days = [];
    for (const x of prices) {
      const s = step(x, h, c, w);
      days.push(s);
      h = s.h;
      c = s.c;
    }
    // day 1's memory still on the belt on day d: f_2 ... f_d c_1
    let carried = days[0].c;
    days[0].carried = carried;
    for (let d = 1; d < days.length; d++) {
      carried = days[d].f * carried;
      days[d].carried = carried;
    }
    return days;
  }

  // ---- formatting -----------------------------------------------------------

  function fmt(value, decimals) {
    let text = value.toFixed(decimals);
    if (Number(text) === 0) text = (0).toFixed(decimals); // no "-0.0000"
    return text.replace("-", MINUS);
  }

  function el(tag, attrs, html) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (html !== undefined) node.innerHTML = html;
    return node;
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---- the cell diagram: the chapter's figure, same layout and colours ----

  // The chapter draws in data units, x in [-0.3, 12.6] and y in [-0.4, 7.6]
  // with y upwards; here 40 px per unit and y downwards.
  const UNIT = 40, X0 = -0.3, Y1 = 7.6;
  const X = (x) => ((x - X0) * UNIT).toFixed(1);
  const Y = (y) => ((Y1 - y) * UNIT).toFixed(1);
  const GEOM = {
    yCell: 6.2, yBus: 1.0, yGate: 3.0, yMul: 4.7,
    x: { f: 2.6, i: 4.4, c: 6.2, o: 8.0 }, xOut: 10.4,
  };

  function drawDiagram(colors, ids) {
    const g = GEOM;
    const root = svg("svg", {
      viewBox: `0 0 ${12.9 * UNIT} ${8.0 * UNIT}`, class: "ge-diagram",
      "aria-hidden": "true", focusable: "false",
    });
    const defs = svg("defs");
    for (const [name, color] of [["ink", null], ["cell", colors.green],
      ["hidden", colors.purple]]) {
      const marker = svg("marker", {
        id: `ge-arrow-${name}-${ids}`, viewBox: "0 0 10 10", refX: "9",
        refY: "5", markerWidth: "7", markerHeight: "7",
        orient: "auto-start-reverse",
      });
      const tip = svg("path", { d: "M0,0 L10,5 L0,10 z" });
      if (color) tip.setAttribute("fill", color);
      else tip.setAttribute("class", "ge-ink-fill");
      marker.appendChild(tip);
      defs.appendChild(marker);
    }
    root.appendChild(defs);
    const line = (x0, y0, x1, y1, cls, arrow) => {
      const node = svg("line", {
        x1: X(x0), y1: Y(y0), x2: X(x1), y2: Y(y1), class: cls,
      });
      if (arrow) node.setAttribute("marker-end",
        `url(#ge-arrow-${arrow}-${ids})`);
      root.appendChild(node);
    };
    const text = (x, y, content, cls, anchor) => {
      const node = svg("text", {
        x: X(x), y: Y(y), class: cls, "text-anchor": anchor || "middle",
      }, content);
      root.appendChild(node);
      return node;
    };
    const operation = (x, y, symbol) => {
      root.appendChild(svg("circle", {
        cx: X(x), cy: Y(y), r: 0.32 * UNIT, class: "ge-op",
      }));
      text(x, y - 0.12, symbol, "ge-op-symbol");
    };
    const values = {};

    // the cell state along the top
    line(0.2, g.yCell, g.x.f - 0.32, g.yCell, "ge-cell");
    line(g.x.f + 0.32, g.yCell, g.x.c - 0.32, g.yCell, "ge-cell");
    line(g.x.c + 0.32, g.yCell, 12.3, g.yCell, "ge-cell", "cell");
    text(8.6, g.yCell + 0.45, "cell state (long-term memory)",
      "ge-note ge-cell-text");
    values.c_prev = text(0.2, g.yCell + 0.45, "", "ge-value ge-cell-text",
      "start");
    values.cNew = text(12.5, g.yCell - 0.75, "", "ge-value ge-cell-text",
      "end");
    operation(g.x.f, g.yCell, "\u00d7");
    operation(g.x.c, g.yCell, "+");

    // h_{t-1} and x_t feed all four blocks
    line(0.2, g.yBus, g.x.o, g.yBus, "ge-hidden");
    line(1.3, -0.3, 1.3, g.yBus, "ge-ink");
    root.appendChild(svg("circle", {
      cx: X(1.3), cy: Y(g.yBus), r: 4, class: "ge-ink-fill",
    }));
    values.h_prev = text(-0.2, g.yBus - 0.55, "", "ge-value ge-hidden-text",
      "start");
    values.x_t = text(1.5, -0.15, "", "ge-value", "start");
    for (const k of TEXT_ORDER) {
      line(g.x[k], g.yBus, g.x[k], g.yGate - 0.42, "ge-hidden ge-thin");
    }

    // the four blocks, each with a meter of its value
    const meters = {};
    for (const k of TEXT_ORDER) {
      const x = g.x[k];
      const color = k === "c" ? colors.orange : colors.blue;
      root.appendChild(svg("rect", {
        x: X(x - 0.5), y: Y(g.yGate + 0.38), width: UNIT, height: 0.76 * UNIT,
        rx: 4, fill: color,
      }));
      text(x, g.yGate - 0.1, k === "c" ? "tanh" : "\u03c3",
        k === "c" ? "ge-block-text ge-block-tanh" : "ge-block-text");
      values[k === "c" ? "g" : k] = text(x, g.yGate - 0.8, "", "ge-value");
      // meter: a sigmoid gate fills from the left by its value in (0, 1),
      // the candidate from the centre by its value in (-1, 1)
      root.appendChild(svg("rect", {
        x: X(x - 0.5), y: Y(g.yGate - 1.0), width: UNIT, height: 6,
        class: "ge-meter-track",
      }));
      meters[k] = svg("rect", {
        x: X(x - 0.5), y: Y(g.yGate - 1.0), width: 0, height: 6, fill: color,
      });
      root.appendChild(meters[k]);
    }
    // the blocks' names, under their meters, over the lines they sit on
    text(g.x.f, g.yGate - 1.45, "forget", "ge-note ge-on-line");
    text(g.x.i, g.yGate - 1.45, "input", "ge-note ge-on-line");
    text(g.x.c, g.yGate - 1.45, "candidate", "ge-note ge-on-line");
    text(g.x.o, g.yGate - 1.45, "output", "ge-note ge-on-line");

    // f scales the old memory; i times the candidate is added
    line(g.x.f, g.yGate + 0.42, g.x.f, g.yCell - 0.32, "ge-ink", "ink");
    line(g.x.i, g.yGate + 0.42, g.x.i, g.yMul, "ge-ink");
    line(g.x.i, g.yMul, g.x.c - 0.32, g.yMul, "ge-ink", "ink");
    line(g.x.c, g.yGate + 0.42, g.x.c, g.yMul - 0.32, "ge-ink", "ink");
    operation(g.x.c, g.yMul, "\u00d7");
    line(g.x.c, g.yMul + 0.32, g.x.c, g.yCell - 0.32, "ge-ink", "ink");
    values.kept = text(g.x.f + 0.15, g.yCell - 0.8, "", "ge-value", "start");
    values.written = text(g.x.c + 0.45, g.yMul - 0.1, "", "ge-value",
      "start");

    // output: o times tanh(c_t) is h_t
    line(g.xOut, g.yCell, g.xOut, 5.19, "ge-cell ge-thin");
    root.appendChild(svg("rect", {
      x: X(g.xOut - 0.45), y: Y(5.15), width: 0.9 * UNIT, height: 0.6 * UNIT,
      rx: 4, class: "ge-tanh-box",
    }));
    text(g.xOut, 4.72, "tanh", "ge-small");
    values.tanhC = text(g.xOut + 0.6, 4.2, "", "ge-value", "start");
    line(g.xOut, 4.51, g.xOut, g.yGate + 0.32, "ge-ink", "ink");
    line(g.x.o + 0.54, g.yGate, g.xOut - 0.32, g.yGate, "ge-ink", "ink");
    operation(g.xOut, g.yGate, "\u00d7");
    line(g.xOut, g.yGate - 0.32, g.xOut, g.yBus, "ge-hidden");
    line(g.xOut, g.yBus, 12.3, g.yBus, "ge-hidden", "hidden");
    values.h = text(12.5, g.yBus - 0.65, "", "ge-value ge-hidden-text",
      "end");
    return { root, values, meters };
  }

  function showOnDiagram(diagram, inputs, s) {
    const v = diagram.values;
    v.c_prev.textContent = `c\u209c\u208b\u2081 = ${fmt(inputs.c_prev, 2)}`;
    v.h_prev.textContent = `h\u209c\u208b\u2081 = ${fmt(inputs.h_prev, 2)}`;
    v.x_t.textContent = `x\u209c = ${fmt(inputs.x_t, 2)}`;
    v.f.textContent = fmt(s.f, 4);
    v.i.textContent = fmt(s.i, 4);
    v.g.textContent = fmt(s.g, 4);
    v.o.textContent = fmt(s.o, 4);
    v.kept.textContent = `f\u00b7c\u209c\u208b\u2081 = ${fmt(s.f * inputs.c_prev, 4)}`;
    v.written.textContent = `i\u00b7c\u0303 = ${fmt(s.i * s.g, 4)}`;
    v.tanhC.textContent = fmt(s.tanhC, 4);
    v.cNew.textContent = `c\u209c = ${fmt(s.c, 4)}`;
    v.h.textContent = `h\u209c = ${fmt(s.h, 4)}`;
    const full = UNIT;
    for (const k of ["f", "i", "o"]) {
      diagram.meters[k].setAttribute("width", (s[k] * full).toFixed(1));
    }
    const m = diagram.meters.c;
    const half = full / 2, x = GEOM.x.c;
    const width = Math.abs(s.g) * half;
    const left = s.g >= 0 ? Number(X(x)) : Number(X(x)) - width;
    m.setAttribute("x", left.toFixed(1));
    m.setAttribute("width", width.toFixed(1));
  }

  // ---- the controls ---------------------------------------------------------

  function slider(ids, id, labelHtml, spec, groupLabelId) {
    const wrap = el("div", { class: "ge-slider" });
    const inputId = `${ids}-${id.replace(".", "-")}`;
    const label = el("label", { for: inputId, id: `${inputId}-label` },
      labelHtml);
    const input = el("input", {
      type: "range", id: inputId, min: spec.min, max: spec.max,
      step: spec.step, value: spec.value, "data-setting": id,
      "aria-labelledby": groupLabelId
        ? `${groupLabelId} ${inputId}-label` : `${inputId}-label`,
    });
    const output = el("output", { for: inputId, "aria-hidden": "true" });
    wrap.append(label, input, output);
    return { wrap, input, output };
  }

  function build(host, setup, index) {
    const ids = `ge${index}`;
    const colors = setup.colors;
    const sliders = {};
    const section = el("section", {
      class: "ge", "aria-label": "LSTM gate explorer: one unit, one input",
    });

    // --- one step: diagram, equations, sliders ---
    const stepPart = el("div", { class: "ge-step" });
    stepPart.appendChild(el("p", { class: "ge-heading" },
      "One step of one unit"));
    const view = el("div", { class: "ge-view" });
    const diagram = drawDiagram(colors, ids);
    view.appendChild(diagram.root);
    const equations = el("ol", { class: "ge-equations" });
    const eq = {};
    for (const name of ["f", "i", "c", "o", "cell", "h"]) {
      eq[name] = el("li", { "data-equation": name });
      equations.appendChild(eq[name]);
    }
    view.appendChild(equations);
    stepPart.appendChild(view);
    const summary = el("p", {
      class: "ge-summary", "aria-live": "polite", "aria-atomic": "true",
    });
    stepPart.appendChild(summary);

    const controls = el("div", { class: "ge-controls" });
    const inputsSet = el("fieldset", { class: "ge-group" });
    inputsSet.appendChild(el("legend", { id: `${ids}-inputs` },
      "This step's input and memories"));
    for (const [id, html] of INPUTS) {
      const s = slider(ids, id, html, setup.sliders[id], null);
      sliders[id] = s;
      inputsSet.appendChild(s.wrap);
    }
    controls.appendChild(inputsSet);
    for (const k of TEXT_ORDER) {
      const set = el("fieldset", { class: `ge-group ge-block-${k}` });
      set.appendChild(el("legend", { id: `${ids}-${k}` },
        `${setup.block_names[k]} ${SYMBOL[k]}`));
      for (const [part, html] of PARTS) {
        const id = `${k}.${part}`;
        const s = slider(ids, id, html, setup.sliders[id], `${ids}-${k}`);
        sliders[id] = s;
        set.appendChild(s.wrap);
      }
      controls.appendChild(set);
    }
    const reset = el("button", { type: "button", class: "ge-button" },
      "Back to the worked example");
    controls.appendChild(reset);
    stepPart.appendChild(controls);
    section.appendChild(stepPart);

    // --- the sequence: two companies, day by day ---
    const seq = buildSequence(ids, setup, colors);
    section.appendChild(seq.part);

    function weights() {
      const w = {};
      for (const k of TEXT_ORDER) {
        w[k] = {};
        for (const [part] of PARTS) {
          w[k][part] = Number(sliders[`${k}.${part}`].input.value);
        }
      }
      return w;
    }

    function update() {
      for (const s of Object.values(sliders)) {
        const text = fmt(Number(s.input.value), 2);
        s.output.textContent = text;
        s.input.setAttribute("aria-valuetext", text);
      }
      const w = weights();
      const inputs = {};
      for (const [id] of INPUTS) inputs[id] = Number(sliders[id].input.value);
      const s = step(inputs.x_t, inputs.h_prev, inputs.c_prev, w);
      showOnDiagram(diagram, inputs, s);
      const x = fmt(inputs.x_t, 2), h = fmt(inputs.h_prev, 2);
      const term = (k, name, act, value, sym) => {
        const p = w[k];
        eq[name].innerHTML =
          `<span class="ge-eq-lhs">z<sub>${sym}</sub></span> = ` +
          `${fmt(p.wh, 2)}\u00b7${h} + ${fmt(p.wx, 2)}\u00b7${x} + ` +
          `${fmt(p.b, 2)} = <span data-quantity="z_${k}">` +
          `${fmt(s.z[k], 4)}</span>; ` +
          `${SYMBOL[k]} = ${act}(z<sub>${sym}</sub>) = ` +
          `<span data-quantity="${k === "c" ? "g" : k}">${fmt(value, 4)}</span>`;
      };
      term("f", "f", "\u03c3", s.f, "f");
      term("i", "i", "\u03c3", s.i, "i");
      term("c", "c", "tanh", s.g, "c");
      term("o", "o", "\u03c3", s.o, "o");
      eq.cell.innerHTML =
        `c<sub>t</sub> = f\u00b7c<sub>t\u22121</sub> + i\u00b7c\u0303 = ` +
        `${fmt(s.f, 4)}\u00b7${fmt(inputs.c_prev, 2)} + ` +
        `${fmt(s.i, 4)}\u00b7${fmt(s.g, 4)} = ` +
        `<span data-quantity="c_t">${fmt(s.c, 4)}</span>`;
      eq.h.innerHTML =
        `h<sub>t</sub> = o\u00b7tanh(c<sub>t</sub>) = ` +
        `${fmt(s.o, 4)}\u00b7${fmt(s.tanhC, 4)} = ` +
        `<span data-quantity="h_t">${fmt(s.h, 4)}</span>`;
      summary.textContent =
        `New long-term memory c\u209c = ${fmt(s.c, 4)}, ` +
        `new short-term memory h\u209c = ${fmt(s.h, 4)}.`;
      seq.update(w);
    }

    for (const s of Object.values(sliders)) {
      s.input.addEventListener("input", update);
    }
    reset.addEventListener("click", () => {
      for (const [id, s] of Object.entries(sliders)) {
        s.input.value = setup.sliders[id].value;
      }
      update();
    });
    host.replaceChildren(section);
    host.classList.add("ge-ready");
    update();
  }

  // ---- the sequence view ----------------------------------------------------

  function buildSequence(ids, setup, colors) {
    const companies = setup.companies;
    const nDays = companies.prices[0].length;
    const part = el("div", { class: "ge-sequence" });
    part.appendChild(el("p", { class: "ge-heading" },
      "Two companies, day by day (the same unit, from zero memories)"));

    // editable prices
    const pricesTable = el("table", { class: "ge-table ge-prices" });
    const caption = el("caption", {}, "Prices x<sub>t</sub> (editable)");
    pricesTable.appendChild(caption);
    const head = el("tr");
    head.appendChild(el("th", { scope: "col" }, "company"));

    for (let d = 1; d <= nDays; d++) {
      head.appendChild(el("th", { scope: "col" }, `day ${d}`));
    }
    pricesTable.appendChild(el("thead")).appendChild(head);
    const body = pricesTable.appendChild(el("tbody"));
    const priceInputs = [];
    companies.names.forEach((name, row) => {
      const tr = el("tr");
      tr.appendChild(el("th", { scope: "row" }, name));
      priceInputs.push([]);
      for (let d = 0; d < nDays; d++) {
        const spec = setup.sliders.x_t;
        const input = el("input", {
          type: "number", min: spec.min, max: spec.max, step: spec.step,
          value: companies.prices[row][d], inputmode: "decimal",
          "aria-label": `${name}, price on day ${d + 1}`,
          "data-price": `${row},${d}`,
        });
        priceInputs[row].push(input);
        tr.appendChild(el("td")).appendChild(input);
      }
      body.appendChild(tr);
    });
    const scroll = el("div", { class: "ge-scroll" });
    scroll.appendChild(pricesTable);
    part.appendChild(scroll);
    const error = el("p", { class: "ge-error", role: "alert" });
    part.appendChild(error);

    // stepping
    const nav = el("div", { class: "ge-nav" });
    const back = el("button", { type: "button", class: "ge-button" },
      "\u2190 Previous day");
    const next = el("button", { type: "button", class: "ge-button" },
      "Next day \u2192");
    const status = el("p", {
      class: "ge-status", "aria-live": "polite", "aria-atomic": "true",
    });
    nav.append(back, next, status);
    part.appendChild(nav);

    // the results, one column per day; days not reached yet show a dot
    const results = el("table", { class: "ge-table ge-results" });
    results.appendChild(el("caption", {},
      "What the unit computes each day"));
    const rhead = el("tr");
    rhead.appendChild(el("th", { scope: "col" }, ""));
    for (let d = 1; d <= nDays; d++) {
      rhead.appendChild(el("th", { scope: "col" }, `day ${d}`));
    }
    results.appendChild(el("thead")).appendChild(rhead);
    const rbody = results.appendChild(el("tbody"));
    const ROWS = [["f", "forget f"], ["i", "input i"],
      ["g", "candidate c\u0303"], ["o", "output o"],
      ["c", "cell c<sub>t</sub>"], ["h", "hidden h<sub>t</sub>"],
      ["carried", "day 1 left in c<sub>t</sub>"]];
    const cells = [];
    companies.names.forEach((name, row) => {
      const group = el("tr", { class: "ge-company-row" });
      group.appendChild(el("th", { scope: "rowgroup", colspan: nDays + 1 },
        name));
      rbody.appendChild(group);
      cells.push({});
      for (const [key, label] of ROWS) {
        const tr = el("tr");
        tr.appendChild(el("th", { scope: "row" }, label));
        cells[row][key] = [];
        for (let d = 0; d < nDays; d++) {
          const td = el("td", { "data-company": row, "data-day": d + 1,
            "data-quantity": key });
          cells[row][key].push(td);
          tr.appendChild(td);
        }
        rbody.appendChild(tr);
      }
    });
    const rscroll = el("div", { class: "ge-scroll" });
    rscroll.appendChild(results);
    part.appendChild(rscroll);
    const prediction = el("p", { class: "ge-prediction" });
    part.appendChild(prediction);
    const chart = el("div", { class: "ge-chart" });
    part.appendChild(chart);

    let day = 1, lastWeights = null, lastDays = null;

    function readPrices() {
      const prices = [];
      const bad = [];
      priceInputs.forEach((row, r) => {
        prices.push(row.map((input, d) => {
          const value = input.value.trim() === "" ? NaN : Number(input.value);
          const spec = setup.sliders.x_t;
          const ok = Number.isFinite(value) && value >= spec.min &&
            value <= spec.max;
          input.setAttribute("aria-invalid", ok ? "false" : "true");
          if (!ok) bad.push(`${companies.names[r]}, day ${d + 1}`);
          return value;
        }));
      });
      return { prices, bad };
    }

    function render() {
      if (lastWeights === null) return;
      const { prices, bad } = readPrices();
      const spec = setup.sliders.x_t;
      if (bad.length) {
        error.textContent = `Each price must be a number from ` +
          `${fmt(spec.min, 0)} to ${fmt(spec.max, 0)}; check ` +
          `${bad.join("; ")}. The table shows the last valid prices.`;
      } else {
        error.textContent = "";
        lastDays = prices.map((p) => sequence(p, lastWeights));
      }
      if (lastDays === null) return;
      lastDays.forEach((days, row) => {
        for (const key of Object.keys(cells[row])) {
          cells[row][key].forEach((td, d) => {
            td.textContent = d < day ? fmt(days[d][key], 4) : "\u00b7";
          });
        }
      });
      status.textContent = `Day ${day} of ${nDays}`;
      back.disabled = day === 1;
      next.disabled = day === nDays;
      const hs = lastDays.map((days) => days[nDays - 1].h);
      prediction.innerHTML = day === nDays
        ? `Prediction for day ${nDays + 1} (h<sub>${nDays}</sub>): ` +
          companies.names.map((n, r) => `${n} <span data-prediction="${r}">` +
          `${fmt(hs[r], 4)}</span> (actual ${fmt(companies.day5[r], 0)})`)
            .join(", ") + "."
        : `Step to day ${nDays} to see the prediction for day ${nDays + 1}.`;
      drawChart(chart, lastDays, day, companies.names, colors);
    }

    back.addEventListener("click", () => { day = Math.max(1, day - 1); render(); });
    next.addEventListener("click", () => {
      day = Math.min(nDays, day + 1);
      render();
    });
    for (const row of priceInputs) {
      for (const input of row) input.addEventListener("input", render);
    }
    return {
      part,
      update(w) { lastWeights = w; render(); },
    };
  }

  function drawChart(host, allDays, day, names, colors) {
    // c_t of each company up to the current day; the axes are set by all
    // days, so they stay put while stepping
    const W = 480, H = 220, left = 56, right = 12, top = 30, bottom = 44;
    const values = allDays.flat().map((s) => s.c).concat([0]);
    let lo = Math.min(...values), hi = Math.max(...values);
    if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
    const pad = 0.08 * (hi - lo);
    lo -= pad; hi += pad;
    const n = allDays[0].length;
    const px = (d) => left + (d - 1) * (W - left - right) / (n - 1);
    const py = (v) => top + (hi - v) * (H - top - bottom) / (hi - lo);
    const root = svg("svg", {
      viewBox: `0 0 ${W} ${H}`, class: "ge-chart-svg", role: "img",
      "aria-label": `Cell state c_t of each company on days 1 to ${day}: ` +
        names.map((name, r) => `${name} ` + allDays[r].slice(0, day)
          .map((s) => fmt(s.c, 2)).join(", ")).join("; "),
    });
    root.appendChild(svg("text", { x: W / 2, y: 18, class: "ge-chart-title",
      "text-anchor": "middle" }, "Cell state c\u209c, day by day"));
    root.appendChild(svg("line", { x1: left, x2: W - right, y1: py(0),
      y2: py(0), class: "ge-axis-zero" }));
    root.appendChild(svg("line", { x1: left, x2: left, y1: top,
      y2: H - bottom, class: "ge-axis" }));
    root.appendChild(svg("line", { x1: left, x2: W - right, y1: H - bottom,
      y2: H - bottom, class: "ge-axis" }));
    for (let d = 1; d <= n; d++) {
      root.appendChild(svg("text", { x: px(d), y: H - bottom + 16,
        "text-anchor": "middle", class: "ge-tick" }, String(d)));
    }
    for (const v of [lo + pad, hi - pad]) {
      root.appendChild(svg("text", { x: left - 6, y: py(v) + 4,
        "text-anchor": "end", class: "ge-tick" }, fmt(v, 1)));
    }
    root.appendChild(svg("text", { x: (left + W - right) / 2, y: H - 8,
      "text-anchor": "middle", class: "ge-tick" }, "day"));
    root.appendChild(svg("text", { x: 14, y: (top + H - bottom) / 2,
      "text-anchor": "middle", class: "ge-tick",
      transform: `rotate(-90 14 ${(top + H - bottom) / 2})` }, "c\u209c"));
    const palette = [colors.blue, colors.orange];
    allDays.forEach((days, r) => {
      const points = days.slice(0, day).map((s, d) => `${px(d + 1)},${py(s.c)}`);
      root.appendChild(svg("polyline", { points: points.join(" "),
        fill: "none", stroke: palette[r], "stroke-width": 2.5,
        "stroke-dasharray": r ? "6 4" : "none" }));
      days.slice(0, day).forEach((s, d) => {
        root.appendChild(svg(r ? "rect" : "circle", r
          ? { x: px(d + 1) - 4, y: py(s.c) - 4, width: 8, height: 8,
            fill: palette[r] }
          : { cx: px(d + 1), cy: py(s.c), r: 4.5, fill: palette[r] }));
      });
      // legend: the marker in the company's colour, its name in ink
      const ly = top + 12 + 20 * r, lx = W - right - 124;
      root.appendChild(svg("line", { x1: lx, x2: lx + 26, y1: ly, y2: ly,
        stroke: palette[r], "stroke-width": 2.5,
        "stroke-dasharray": r ? "6 4" : "none" }));
      root.appendChild(svg(r ? "rect" : "circle", r
        ? { x: lx + 9, y: ly - 4, width: 8, height: 8, fill: palette[r] }
        : { cx: lx + 13, cy: ly, r: 4.5, fill: palette[r] }));
      root.appendChild(svg("text", { x: lx + 34, y: ly + 5,
        class: "ge-legend" }, `company ${names[r]}`));
    });
    host.replaceChildren(root);
  }

  // ---- start ----------------------------------------------------------------

  function start() {
    const data = document.getElementById("gate-explorer-setup");
    if (!data) return;
    const setup = JSON.parse(data.textContent);
    document.querySelectorAll(".gate-explorer").forEach((host, index) => {
      build(host, setup, index);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
