// vDSO-vs-syscall cost webview: draws { type: 'result', result } as two bar charts in plain SVG (instructions
// retired per call, host time per call) and a table of the raw figures; { type: 'status', text } while it runs.
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

  /** One horizontal bar chart: rows of { label, value, cls }. */
  function barChart(title, unit, rows) {
    const width = 560, left = 170, right = 110, barH = 26, gap = 12, top = 28;
    const height = top + rows.length * (barH + gap) + 8;
    const max = Math.max.apply(null, rows.map((r) => r.value)) || 1;
    const svg = svgEl('svg', { class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title });
    svg.append(svgEl('text', { x: 0, y: 16, 'font-weight': 600 }, title));
    rows.forEach((r, i) => {
      const y = top + i * (barH + gap);
      const w = Math.max(1, ((width - left - right) * r.value) / max);
      svg.append(svgEl('text', { x: 0, y: y + barH * 0.68 }, r.label));
      const bar = svgEl('rect', { class: r.cls, x: left, y, width: w.toFixed(1), height: barH, rx: 2 });
      bar.append(svgEl('title', {}, `${r.label}: ${fmt(r.value)} ${unit}`));
      svg.append(bar);
      svg.append(svgEl('text', { class: 'value', x: left + w + 6, y: y + barH * 0.68 }, `${fmt(r.value)} ${unit}`));
    });
    svg.append(svgEl('line', { class: 'axis', x1: left, y1: top - 4, x2: left, y2: height - 4 }));
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
    const vIns = per(r.vdso.instructions), sIns = per(r.syscall.instructions);
    const vNs = per(r.vdso.hostNs), sNs = per(r.syscall.hostNs);
    status.textContent = `${r.calls} calls each way in the emulator (${r.program}, time mode ${r.timeMode}). ` +
      `The system call retires ${fmt(sIns / vIns, 1)}× the instructions of the vDSO call.`;
    charts.append(barChart('Instructions retired per call', 'insns', [
      { label: 'vDSO (__vdso_clock_gettime)', value: vIns, cls: 'bar-vdso' },
      { label: 'syscall (ecall)', value: sIns, cls: 'bar-syscall' },
    ]));
    charts.append(barChart('Host time per call', 'µs', [
      { label: 'vDSO (__vdso_clock_gettime)', value: vNs / 1000, cls: 'bar-vdso' },
      { label: 'syscall (ecall)', value: sNs / 1000, cls: 'bar-syscall' },
    ]));
    explain.textContent = (r.explain || '') + (r.note ? ` Note: ${r.note}.` : '');
    figures.append(row(['way', 'calls', 'instructions', 'per call', 'host ms', 'host µs per call'], true));
    figures.append(row(['vDSO', String(r.calls), String(r.vdso.instructions), fmt(vIns), fmt(r.vdso.hostNs / 1e6), fmt(vNs / 1000, 3)]));
    figures.append(row(['syscall', String(r.calls), String(r.syscall.instructions), fmt(sIns), fmt(r.syscall.hostNs / 1e6), fmt(sNs / 1000, 3)]));
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
