/** One floating tooltip for the whole page: hover on any chart shows exact values in it. */
let el: HTMLDivElement | undefined;

function tip(): HTMLDivElement {
  if (!el) {
    el = document.createElement('div');
    el.className = 'tooltip';
    el.setAttribute('role', 'tooltip');
    el.dataset.testid = 'tooltip';
    document.body.append(el);
  }
  return el;
}

export function showTooltip(clientX: number, clientY: number, rows: [string, string, string?][], title: string): void {
  const t = tip();
  t.replaceChildren();
  const h = document.createElement('div');
  h.className = 'tooltip-title';
  h.textContent = title;
  t.append(h);
  for (const [label, value, color] of rows) {
    const r = document.createElement('div');
    r.className = 'tooltip-row';
    const sw = document.createElement('span');
    sw.className = 'swatch';
    if (color) sw.style.background = color;
    const l = document.createElement('span');
    l.textContent = label;
    const v = document.createElement('b');
    v.textContent = value;
    r.append(sw, l, v);
    t.append(r);
  }
  t.style.display = 'block';
  const w = t.offsetWidth;
  const x = clientX + 14 + w > window.innerWidth ? clientX - 14 - w : clientX + 14;
  t.style.left = `${Math.max(4, x)}px`;
  t.style.top = `${Math.max(4, clientY + 12)}px`;
}

export function hideTooltip(): void {
  if (el) el.style.display = 'none';
}
