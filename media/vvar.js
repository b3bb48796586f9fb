// [vvar] inspector webview: draws the model the extension sends ({ type: 'update', model }) — see
// src/extension/views/vvarModel.ts. No inline handlers, no innerHTML with data: DOM nodes and textContent only.
(function () {
  const vscode = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  const where = document.getElementById('where');
  const main = document.getElementById('entries');

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function render(model) {
    main.replaceChildren();
    if (!model) {
      where.textContent = 'No riscv-vdso debug session is stopped.';
      return;
    }
    where.replaceChildren(
      document.createTextNode(`Data page at ${model.address} — stop #${model.stop}${model.reason ? ` (${model.reason})` : ''}. `),
      el('span', 'badge', `${model.changedCount} field${model.changedCount === 1 ? '' : 's'} changed since the last stop`),
    );
    for (const entry of model.entries) {
      const h = el('h2', undefined, `${entry.title} — seq ${entry.seq}`);
      if (entry.writeInProgress) h.append(' ', el('span', 'warn', 'write in progress'));
      main.append(h);
      const table = el('table', 'fields');
      table.setAttribute('data-entry', entry.title);
      const head = el('tr', 'head');
      for (const t of ['field', 'offset', 'value', 'hex', '']) head.append(el('th', undefined, t));
      table.append(head);
      for (const r of entry.rows) {
        const tr = el('tr', [r.changed ? 'changed' : '', r.warn ? 'warn' : ''].join(' ').trim());
        tr.setAttribute('data-field', r.name);
        tr.append(el('td', 'name', r.name), el('td', 'off', '+' + r.offset.toString(16).padStart(3, '0')),
          el('td', 'num', r.value), el('td', 'hex', r.hex), el('td', 'note', r.note || ''));
        table.append(tr);
      }
      main.append(table);
    }
  }

  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (msg && msg.type === 'update') {
      render(msg.model);
      if (vscode) vscode.setState({ model: msg.model });
    }
  });
  const state = vscode && vscode.getState();
  if (state && state.model) render(state.model);
  if (vscode) vscode.postMessage({ type: 'ready' });
})();
