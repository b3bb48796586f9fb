// Memory view webview: draws { type: 'memory', ... } (src/extension/views/memoryModel.ts MemoryMessage) as rows
// of 16 bytes: address, hex, ASCII, and the names of the known fields ([vvar]) starting in the row. Bytes that
// changed since the previous stop are marked; scrolling to the end asks for the next page ({ type: 'more' });
// a byte clicked is where the write form writes ({ type: 'write', offset, text }). DOM nodes and textContent only.
(function () {
  const vscode = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  const title = document.getElementById('mem-title');
  const status = document.getElementById('mem-status');
  const rows = document.getElementById('mem-rows');
  const sentinel = document.getElementById('mem-more');
  const form = document.getElementById('mem-write');
  const at = document.getElementById('mem-at');
  const input = document.getElementById('mem-bytes');
  const result = document.getElementById('mem-result');
  let current;
  let selected = -1;
  let asked = false;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function addr(startHex, off) {
    return '0x' + (BigInt(startHex) + BigInt(off)).toString(16).padStart(12, '0');
  }

  function select(off) {
    selected = off;
    for (const b of rows.querySelectorAll('.b.selected')) b.classList.remove('selected');
    const b = rows.querySelector(`.b[data-off="${off}"]`);
    if (b) b.classList.add('selected');
    at.textContent = current ? addr(current.start, off) : '';
    form.hidden = !(current && current.writable);
    if (!form.hidden) input.focus();
  }

  function render(m) {
    current = m;
    asked = false;
    title.textContent = [m.title, m.reference, m.target].filter((x, i, a) => a.indexOf(x) === i).join(' = ');
    status.textContent = m.status + (m.changed.length ? ` — ${m.changed.length} byte${m.changed.length === 1 ? '' : 's'} changed since the last read` : '');
    const changed = new Set(m.changed);
    const fieldAt = new Map();
    const starts = new Map();
    m.fields.forEach((f, i) => {
      for (let k = 0; k < f.size; k++) fieldAt.set(f.offset + k, { f, i });
      const row = Math.floor(f.offset / 16);
      if (!starts.has(row)) starts.set(row, []);
      starts.get(row).push(f.name);
    });
    const target = Number(BigInt(m.target) - BigInt(m.start));
    const n = m.bytes.length / 2;
    const frag = document.createDocumentFragment();
    for (let r = 0; r * 16 < n; r++) {
      const row = el('div', 'row');
      row.setAttribute('data-row', String(r));
      row.append(el('span', 'addr', addr(m.start, r * 16)));
      const hexes = el('span', 'hexes');
      let ascii = '';
      for (let c = 0; c < 16 && r * 16 + c < n; c++) {
        const off = r * 16 + c;
        const text = m.bytes.slice(off * 2, off * 2 + 2);
        const b = el('span', 'b', text);
        b.setAttribute('data-off', String(off));
        const fa = fieldAt.get(off);
        if (fa) {
          b.classList.add(fa.i % 2 ? 'field-b' : 'field-a');
          b.title = `${fa.f.name} (+${off - fa.f.offset} of ${fa.f.size})`;
        }
        if (changed.has(off)) b.classList.add('changed');
        if (off === target) b.classList.add('target');
        if (off === selected) b.classList.add('selected');
        hexes.append(b);
        const v = parseInt(text, 16);
        ascii += v >= 32 && v < 127 ? String.fromCharCode(v) : '.';
      }
      row.append(hexes, el('span', 'ascii', ascii), el('span', 'fields', (starts.get(r) || []).join(', ')));
      frag.append(row);
    }
    rows.replaceChildren(frag);
    sentinel.hidden = !m.more;
    form.hidden = !(m.writable && selected >= 0);
  }

  rows.addEventListener('click', (e) => {
    const b = e.target.closest ? e.target.closest('.b') : undefined;
    if (b) select(Number(b.getAttribute('data-off')));
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (selected < 0 || !vscode) return;
    result.textContent = 'writing...';
    vscode.postMessage({ type: 'write', offset: selected, text: input.value });
  });
  if (typeof IntersectionObserver === 'function') {
    new IntersectionObserver((entries) => {
      if (entries.some((x) => x.isIntersecting) && current && current.more && !asked && vscode) {
        asked = true;
        vscode.postMessage({ type: 'more' });
      }
    }).observe(sentinel);
  }

  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (!msg) return;
    if (msg.type === 'memory') {
      render(msg);
      if (vscode) vscode.setState({ memory: msg });
    } else if (msg.type === 'writeResult') {
      result.textContent = msg.text;
    }
  });
  const state = vscode && vscode.getState();
  if (state && state.memory) render(state.memory);
  if (vscode) vscode.postMessage({ type: 'ready' });
})();
