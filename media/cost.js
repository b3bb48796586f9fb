// vDSO-vs-syscall cost webview: draws { type: 'result', result } (src/extension/cost/measure.ts CostResult) as bar
// charts in plain SVG: guest cycles and modelled time per call when the hart has a cycle model (on both board
// profiles when the result has `boards`, the measured one first), guest instructions
// per call, the emulator's host time per call (labelled as the emulator's); a table of the raw figures;
// { type: 'status', text } while it runs.
(function () {
  const vscode = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  const SVG = 'http://www.w3.org/2000/svg';
  const status = document.getElementById('status');
  const charts = document.getElementById('charts');
  const figures = document.getElementById('figures');
  const explain = document.getElementById('explain');

  function svgEl(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const k of Object.keys(attrs || {})) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function fmt(v, digits) {
    if (v >= 100) return v.toFixed(0);
    if (v >= 10) return v.toFixed(1);
    return v.toFixed(digits === undefined ? 2 : digits);
  }

  /**
   * One horizontal bar chart: rows of { label, value, cls }. Each label sits above its bar (never cut by the
   * bar area), the value right of the bar; the SVG scales down with the column (viewBox, max-width 100%).
   */
  function barChart(title, unit, rows) {
    const texts = rows.map((r) => `${fmt(r.value)} ${unit}`);
    const right = 12 + 7.5 * Math.max.apply(null, texts.map((t) => t.length));
    const width = 520, barH = 22, labelH = 16, gap = 10, top = 26;
    const height = top + rows.length * (labelH + barH + gap) + 4;
    const max = Math.max.apply(null, rows.map((r) => r.value)) || 1;
    const svg = svgEl('svg', { class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title });
    svg.append(svgEl('text', { x: 0, y: 16, 'font-weight': 600 }, title));
    rows.forEach((r, i) => {
      const y = top + i * (labelH + barH + gap);
      const w = Math.max(1, ((width - right) * r.value) / max);
      svg.append(svgEl('text', { class: 'label', x: 0, y: y + 12 }, r.label));
      const bar = svgEl('rect', { class: r.cls, x: 0, y: y + labelH, width: w.toFixed(1), height: barH, rx: 2 });
      bar.append(svgEl('title', {}, `${r.label}: ${texts[i]}`));
      svg.append(bar);
      svg.append(svgEl('text', { class: 'value', x: w + 6, y: y + labelH + barH * 0.7 }, texts[i]));
    });
    return svg;
  }

  function row(cells, header) {
    const tr = document.createElement('tr');
    for (const c of cells) {
      const td = document.createElement(header ? 'th' : 'td');
      td.textContent = c;
      if (!header && c !== cells[0]) td.className = 'num';
      tr.append(td);
    }
    return tr;
  }

  function render(r) {
    charts.replaceChildren();
    figures.replaceChildren();
    const per = (x) => x / r.calls;
    const ways = [
      { label: 'vDSO: __vdso_clock_gettime', cls: 'bar-vdso', c: r.vdso },
      { label: 'system call: ecall', cls: 'bar-syscall', c: r.syscall },
    ];
    const model = r.cycleModel && r.vdso.cycles !== undefined && r.syscall.cycles !== undefined;
    const vIns = per(r.vdso.instructions), sIns = per(r.syscall.instructions);
    // The headline says what is measured. Without a cycle model, instruction counts are not time: the kernel
    // model's work runs on the host and costs the guest nothing, so their ratio is not a real machine's speed-up.
    const boards = model && Array.isArray(r.boards) && r.boards.length > 1 ? r.boards : undefined;
    if (model) {
      const vc = per(r.vdso.cycles), sc = per(r.syscall.cycles);
      const vn = per(r.vdso.modelNs), sn = per(r.syscall.modelNs);
      status.textContent = `${r.calls} calls each way (${r.program}) on the cycle model, ${r.cycleModel}: clock_gettime through the vDSO `
        + `takes ${fmt(vc)} cycles (${fmt(vn)} ns), through the system call ${fmt(sc)} cycles (${fmt(sn)} ns): ${fmt(sc / vc, 1)}× the vDSO's.`;
      if (boards) {
        // the other profiles in one sentence each, and both boards in the cycle and time charts
        // (board figures are per call already: src/kernel/timecost.ts BoardCost)
        for (const b of boards.slice(1)) {
          status.textContent += ` On the ${b.timeCsr}-time board (${b.board}) clock_gettime through the vDSO takes `
            + `${fmt(b.vdso.cycles)} cycles (${fmt(b.vdso.ns)} ns), through the system call ${fmt(b.syscall.cycles)} cycles (${fmt(b.syscall.ns)} ns): `
            + `${fmt(b.syscall.cycles / b.vdso.cycles, 1)}×.`;
        }
        const rows = (key) => boards.flatMap((b, i) => [
          { label: `${b.timeCsr}-time board, vDSO`, value: b.vdso[key], cls: i === 0 ? 'bar-vdso' : 'bar-vdso bar-other' },
          { label: `${b.timeCsr}-time board, system call`, value: b.syscall[key], cls: i === 0 ? 'bar-syscall' : 'bar-syscall bar-other' },
        ]);
        charts.append(barChart('Guest cycles per call (cycle model), both board profiles', 'cycles', rows('cycles')));
        charts.append(barChart('Modelled time per call, both board profiles', 'ns', rows('ns')));
      } else {
        charts.append(barChart('Guest cycles per call (cycle model)', 'cycles', ways.map((w) => ({ label: w.label, value: per(w.c.cycles), cls: w.cls }))));
        if (r.vdso.modelNs !== undefined && r.syscall.modelNs !== undefined) {
          charts.append(barChart('Modelled time per call', 'ns', ways.map((w) => ({ label: w.label, value: per(w.c.modelNs), cls: w.cls }))));
        }
      }
    } else {
      status.textContent = `${r.calls} calls each way (${r.program}). Guest instructions per call: vDSO ${fmt(vIns)}, system call ${fmt(sIns)} `
        + `(+${fmt(sIns - vIns)}: the trap entry and exit). These are instruction counts, not time: the kernel model's work runs on `
        + 'the host and is not counted, so their ratio is not the speed-up of a real RISC-V machine.';
    }
    charts.append(barChart('Guest instructions retired per call', 'insns', ways.map((w) => ({ label: w.label, value: per(w.c.instructions), cls: w.cls }))));
    charts.append(barChart('Emulator host time per call (this emulator\'s speed, not RISC-V\'s)', 'µs', ways.map((w) => ({ label: w.label, value: per(w.c.hostNs) / 1000, cls: w.cls }))));
    explain.textContent = (r.explain || '') + (r.note ? ` Note: ${r.note}.` : '');
    const head = ['way', 'calls', 'instructions', 'per call'];
    if (boards) for (const b of boards) head.push(`cycles per call (${b.timeCsr})`);
    else if (model) head.push('cycles per call');
    head.push('emulator µs per call');
    figures.append(row(head, true));
    for (const w of ways) {
      const cells = [w.label.split(':')[0], String(r.calls), String(w.c.instructions), fmt(per(w.c.instructions))];
      if (boards) for (const b of boards) cells.push(fmt(w.c === r.vdso ? b.vdso.cycles : b.syscall.cycles));
      else if (model) cells.push(fmt(per(w.c.cycles)));
      cells.push(fmt(per(w.c.hostNs) / 1000, 3));
      figures.append(row(cells));
    }
  }

  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (!msg) return;
    if (msg.type === 'status') status.textContent = msg.text;
    if (msg.type === 'result') {
      render(msg.result);
      if (vscode) vscode.setState({ result: msg.result });
    }
  });
  const state = vscode && vscode.getState();
  if (state && state.result) render(state.result);
  if (vscode) vscode.postMessage({ type: 'ready' });
})();
