// Drives report.html's interactive map in the browser, as a reader would, through real DOM
// events: wheel, buttons, drag, mouse over and focus on every town, a tap, the layer check
// boxes, print. report_map.sh appends this script to a copy of the page (the page itself carries
// no test code), dumps the DOM and hands the JSON it writes into <script id="drive-result"> to
// map_check.py, which checks it against the run's own tables.
(function () {
  var R = { errors: [] };
  function box(el) { var b = el.getBoundingClientRect(); return { x: b.left + b.width / 2, y: b.top + b.height / 2 }; }
  function vb(pane) { return pane.getAttribute('viewBox').split(' ').map(Number); }
  function ptr(el, type, x, y, kind) {
    el.dispatchEvent(new PointerEvent(type, { pointerId: kind === 'touch' ? 7 : 1, pointerType: kind || 'mouse', isPrimary: true,
      clientX: x, clientY: y, button: 0, buttons: type === 'pointerup' ? 0 : 1, bubbles: true, cancelable: true }));
  }
  function mouse(el, type, x, y) { el.dispatchEvent(new MouseEvent(type, { clientX: x, clientY: y, bubbles: true, cancelable: true })); }
  function tipState(tip) {
    var rows = [], dts = tip.querySelectorAll('dt'), dds = tip.querySelectorAll('dd');
    for (var i = 0; i < dts.length; i++) rows.push([dts[i].textContent, dds[i] ? dds[i].textContent : null]);
    var s = tip.querySelector('strong');
    return { hidden: tip.hidden || getComputedStyle(tip).display === 'none', name: s ? s.textContent : null, rows: rows,
             pinned: tip.classList.contains('pinned'), text: tip.textContent };
  }
  try {
    var outer = document.getElementById('map'), pane = document.getElementById('map-pane'), tip = document.getElementById('map-tip'),
        tools = document.getElementById('map-tools');
    var towns = Array.prototype.slice.call(pane.querySelectorAll('path.town'));
    R.pane_size = [+pane.getAttribute('width'), +pane.getAttribute('height')];
    R.tools_visible = !tools.hidden && getComputedStyle(tools).display !== 'none';
    R.tabindex = towns.filter(function (p) { return p.getAttribute('tabindex') === '0'; }).length;
    R.titles_left = pane.querySelectorAll('path.town title').length;
    R.controls = Array.prototype.map.call(tools.querySelectorAll('button, label, legend, .map-hint'), function (e) {
      return (e.textContent + ' ' + (e.getAttribute('title') || '') + ' ' + (e.getAttribute('aria-label') || '')).trim(); });
    R.viewbox0 = vb(pane);
    var label = pane.querySelector('.tlabel');
    R.label_px0 = parseFloat(getComputedStyle(label).fontSize);
    var bar = document.getElementById('scalebar');
    function barState() {
      var rs = bar.querySelectorAll('rect'), ts = bar.querySelectorAll('text');
      return { len: +rs[0].getAttribute('width') + +rs[1].getAttribute('width'), text: ts[1].textContent };
    }
    R.bar0 = barState();
    R.m_per_unit = +pane.getAttribute('data-m-per-unit');

    // The town nearest the pane's centre (so zooms and drags around it are never clamped).
    var pb = outer.getBoundingClientRect(), mid = { x: pb.left + pb.width * R.pane_size[0] / outer.viewBox.baseVal.width / 2,
                                                   y: pb.top + pb.height * R.pane_size[1] / outer.viewBox.baseVal.height / 2 };
    var probe = towns.slice().sort(function (a, b) {
      var p = box(a), q = box(b);
      return Math.hypot(p.x - mid.x, p.y - mid.y) - Math.hypot(q.x - mid.x, q.y - mid.y); })[0];

    // Wheel: zoom in by exp(0.6) around the probe town's centre, which stays where it was on screen.
    var c0 = box(probe);
    outer.dispatchEvent(new WheelEvent('wheel', { deltaY: -300, deltaMode: 0, clientX: c0.x, clientY: c0.y, bubbles: true, cancelable: true }));
    R.wheel = { viewbox: vb(pane), before: c0, after: box(probe), label_px: parseFloat(getComputedStyle(label).fontSize), bar: barState() };
    // Zoomed fully out, a wheel down is left to the page (it scrolls), the view stays whole.
    // Buttons: +, +, -, then reset.
    function button(z) { tools.querySelector('button[data-zoom="' + z + '"]').click(); return vb(pane); }
    R.buttons = { in1: button('in'), in2: button('in'), out: button('out'), reset: button('reset') };
    outer.dispatchEvent(new WheelEvent('wheel', { deltaY: 300, clientX: c0.x, clientY: c0.y, bubbles: true, cancelable: true }));
    R.wheel_out_at_full = vb(pane);

    // Drag (mouse) by (+60, +40) px after zooming in twice: the probe town moves with the pointer,
    // and the click ending the drag does not open a town card.
    button('in'); button('in');
    var d0 = box(probe);
    history.replaceState(null, '', location.pathname);
    ptr(probe, 'pointerdown', d0.x, d0.y);
    for (var i = 1; i <= 4; i++) ptr(outer, 'pointermove', d0.x + 15 * i, d0.y + 10 * i);
    ptr(outer, 'pointerup', d0.x + 60, d0.y + 40);
    mouse(probe, 'click', d0.x + 60, d0.y + 40);
    R.drag = { before: d0, after: box(probe), viewbox: vb(pane), hash: location.hash };
    // A plain click (no movement) still opens the town's card.
    var d1 = box(probe);
    ptr(probe, 'pointerdown', d1.x, d1.y); ptr(probe, 'pointerup', d1.x, d1.y); mouse(probe, 'click', d1.x, d1.y);
    R.click_hash = location.hash;
    R.click_town = probe.getAttribute('data-t');
    history.replaceState(null, '', location.pathname);

    // Print resets the view to the whole map and restores it afterwards.
    var zoomed = vb(pane);
    window.dispatchEvent(new Event('beforeprint'));
    R.print = { during: vb(pane), after: null, zoomed: zoomed };
    window.dispatchEvent(new Event('afterprint'));
    R.print.after = vb(pane);
    button('reset');

    // Mouse over every town: the panel, then leaving hides it. The table row and the card of the
    // same town are read too.
    R.towns = towns.map(function (p) {
      var t = p.getAttribute('data-t'), c = box(p);
      mouse(p, 'mousemove', c.x, c.y);
      var st = tipState(tip);
      mouse(p, 'mouseleave', c.x, c.y);
      st.hidden_after_leave = tipState(tip).hidden;
      st.t = t;
      var card = document.getElementById('town-' + t);
      st.id = card ? card.querySelector('h3 small').textContent : null;
      var row = document.querySelector('tr.town-row[data-t="' + t + '"]');
      st.table = row ? Array.prototype.map.call(row.cells, function (td) { return td.firstChild ? td.firstChild.textContent : ''; }).slice(0, 3) : null;
      return st;
    });
    R.table_head = Array.prototype.map.call(document.querySelectorAll('#compliance-table thead th'), function (th) { return th.firstChild.textContent; }).slice(0, 3);
    // Keyboard: focus a town (the same panel, pinned), blur hides it.
    var k = towns[1] || towns[0];
    k.focus();
    R.focus = tipState(tip); R.focus.t = k.getAttribute('data-t'); R.focus.active = document.activeElement === k;
    // Keys on a focused town: "+" zooms in by 1.5, an arrow pans by a tenth of the view.
    function key(name) { k.dispatchEvent(new KeyboardEvent('keydown', { key: name, bubbles: true, cancelable: true })); return vb(pane); }
    R.keys = { plus: key('+'), right: key('ArrowRight'), down: key('ArrowDown'), minus: key('-') };
    k.blur();
    R.blur_hidden = tipState(tip).hidden;
    // A tap (touch pointer) on a town pins its panel and does not jump to its card.
    var tp = towns[2] || towns[0], tc = box(tp);
    ptr(tp, 'pointerdown', tc.x, tc.y, 'touch'); ptr(tp, 'pointerup', tc.x, tc.y, 'touch'); mouse(tp, 'click', tc.x, tc.y);
    R.tap = tipState(tip); R.tap.t = tp.getAttribute('data-t'); R.tap.hash = location.hash;

    // Layers: unchecking a box hides every element naming its key, checking it shows them again.
    R.layers = Array.prototype.map.call(tools.querySelectorAll('input[type=checkbox]'), function (b) {
      var els = Array.prototype.filter.call(pane.querySelectorAll('[data-layers]'), function (e) {
        return e.getAttribute('data-layers').split(' ').indexOf(b.value) >= 0; });
      function shown() { return els.filter(function (e) { return getComputedStyle(e).display !== 'none'; }).length; }
      var before = shown();
      b.click();
      var off = shown(), ids = els.map(function (e) { return e.id || e.getAttribute('class') || e.tagName; });
      b.click();
      return { key: b.value, label: b.parentNode.textContent.trim(), elements: els.length, shown_before: before, shown_off: off, shown_on: shown(), ids: ids };
    });
    // Hiding the towns layer hides the town the panel was showing.
    var towns_box = tools.querySelector('input[value="towns"]');
    var cc = box(towns[0]);
    mouse(towns[0], 'mousemove', cc.x, cc.y);
    towns_box.click();
    R.towns_off_tip_hidden = tipState(tip).hidden;
    towns_box.click();
  } catch (e) {
    R.errors.push(String(e && e.stack || e));
  }
  // As JSON in a script element: the dumped DOM keeps it, visible_codes.py skips it.
  var out = document.createElement('script');
  out.type = 'application/json';
  out.id = 'drive-result';
  out.textContent = JSON.stringify(R).replace(/</g, '\\u003c');
  document.body.appendChild(out);
})();
