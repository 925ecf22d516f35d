/* Kuijing CRM: small page behaviours. The pages work without this file;
   it only adds confirmations, an unsaved-changes warning, the scope picker
   toggle, menu closing, toast hiding, the batch toolbar of lists and the
   duplicate hint of the customer form. The only global is window.kj. */
(function () {
  'use strict';

  var doc = document;
  var CHOSEN = 'chosen_departments';
  var TOAST_MS = 4000;

  /* ---- window.kj: helpers for scripts that call fetch ---- */

  // The token to send in the x-csrf-token header (or a _csrf form field).
  function csrf() {
    var meta = doc.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') || '' : '';
  }

  window.kj = Object.freeze({ csrf: csrf });

  /* ---- Unsaved-changes guard for form[data-guard] ---- */

  // What a form would send, as one string, to compare against later.
  function snapshot(form) {
    var parts = [];
    var data;
    try {
      data = new FormData(form);
    } catch (e) {
      return '';
    }
    data.forEach(function (value, name) {
      if (name === '_csrf') return;
      var text = typeof value === 'string' ? value : (value && value.name) || '';
      parts.push(encodeURIComponent(name) + '=' + encodeURIComponent(text));
    });
    return parts.join('&');
  }

  var guards = [];

  function takeSnapshots() {
    guards = [];
    var forms = doc.querySelectorAll('form[data-guard]');
    for (var i = 0; i < forms.length; i++) {
      guards.push({ form: forms[i], initial: snapshot(forms[i]), submitted: false });
    }
  }

  function guardOf(form) {
    for (var i = 0; i < guards.length; i++) {
      if (guards[i].form === form) return guards[i];
    }
    return null;
  }

  function hasUnsavedChanges() {
    for (var i = 0; i < guards.length; i++) {
      var g = guards[i];
      if (!g.submitted && g.form.isConnected !== false && snapshot(g.form) !== g.initial) {
        return true;
      }
    }
    return false;
  }

  window.addEventListener('beforeunload', function (event) {
    if (!hasUnsavedChanges()) return undefined;
    event.preventDefault();
    event.returnValue = '';
    return '';
  });

  /* ---- Submitting: data-confirm first, then release the guard ---- */

  doc.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form || form.tagName !== 'FORM') return;

    // A button may ask its own question (delete beside transfer in one form);
    // in a batch form it says how many rows it acts on.
    var button = event.submitter;
    var question = (button && button.getAttribute('data-confirm')) || form.getAttribute('data-confirm');
    if (question && form.hasAttribute('data-batch')) {
      question = question.replace('%{count}', String(batchCount(form)));
    }
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (event.defaultPrevented) return;

    var g = guardOf(form);
    if (g) g.submitted = true;
  });

  /* ---- Data scope: the department list shows only for "chosen" ---- */

  function chosenFor(scope) {
    var el = scope.nextElementSibling;
    while (el) {
      if (el.tagName === 'SELECT' && el.classList.contains('chosen')) return el;
      el = el.nextElementSibling;
    }
    return null;
  }

  function syncScope(scope) {
    var chosen = chosenFor(scope);
    if (chosen) chosen.hidden = scope.value !== CHOSEN;
  }

  function syncAllScopes() {
    var scopes = doc.querySelectorAll('select[data-scope]');
    for (var i = 0; i < scopes.length; i++) syncScope(scopes[i]);
  }

  doc.addEventListener('change', function (event) {
    var el = event.target;
    if (el && el.tagName === 'SELECT' && el.hasAttribute('data-scope')) syncScope(el);
  });

  /* ---- Menus: one open at a time; outside click and Escape close ---- */

  function openMenus() {
    return doc.querySelectorAll('details.menu[open]');
  }

  function closeMenus(except) {
    var menus = openMenus();
    for (var i = 0; i < menus.length; i++) {
      if (menus[i] !== except) menus[i].open = false;
    }
  }

  // "toggle" does not bubble, so listen in the capture phase.
  doc.addEventListener('toggle', function (event) {
    var el = event.target;
    if (el && el.tagName === 'DETAILS' && el.open && el.classList.contains('menu')) {
      closeMenus(el);
    }
  }, true);

  doc.addEventListener('click', function (event) {
    var target = event.target;
    var inside = target && target.closest ? target.closest('details.menu') : null;
    closeMenus(inside);
  });

  doc.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape' && event.key !== 'Esc') return;
    var menus = openMenus();
    if (!menus.length) return;
    var active = doc.activeElement;
    for (var i = 0; i < menus.length; i++) {
      var menu = menus[i];
      var hadFocus = active && menu.contains(active);
      menu.open = false;
      if (hadFocus) {
        var summary = menu.querySelector('summary');
        if (summary) summary.focus();
      }
    }
  });

  /* ---- Toast: fade out after a few seconds, longer while pointed at ---- */

  function dismissToast(toast) {
    if (toast.classList.contains('is-leaving')) return;
    toast.classList.add('is-leaving');
    var removed = false;
    function remove() {
      if (removed) return;
      removed = true;
      if (toast.parentNode) toast.parentNode.removeChild(toast);
    }
    toast.addEventListener('transitionend', remove);
    window.setTimeout(remove, 600);
  }

  function scheduleToast(toast) {
    var timer = null;
    var hovered = false;
    var due = false;
    function arm() {
      timer = window.setTimeout(function () {
        timer = null;
        due = true;
        if (!hovered) dismissToast(toast);
      }, TOAST_MS);
    }
    toast.addEventListener('mouseenter', function () { hovered = true; });
    toast.addEventListener('mouseleave', function () {
      hovered = false;
      if (due) dismissToast(toast);
    });
    toast.addEventListener('click', function () {
      if (timer) window.clearTimeout(timer);
      dismissToast(toast);
    });
    arm();
  }

  /* ---- Batch toolbar: rows ticked with form="<id>" of a form[data-batch] ---- */

  function rowsOf(form) {
    return doc.querySelectorAll('input[type="checkbox"][form="' + form.id + '"]');
  }

  // "All N that match": offered once every row of the page is ticked and
  // the list holds more; the server then acts on the list's filter.
  function matchingOf(form) {
    return form.querySelector('[data-select-matching]');
  }

  function allMatching(form) {
    var flag = form.querySelector('[data-all-matching]');
    return !!(flag && flag.value === '1');
  }

  function setAllMatching(form, on) {
    var flag = form.querySelector('[data-all-matching]');
    if (flag) flag.value = on ? '1' : '';
  }

  // How many rows an action on the batch touches.
  function batchCount(form) {
    var bar = matchingOf(form);
    if (bar && allMatching(form)) return parseInt(bar.getAttribute('data-total'), 10) || 0;
    var rows = rowsOf(form);
    var ticked = 0;
    for (var i = 0; i < rows.length; i++) if (rows[i].checked) ticked++;
    return ticked;
  }

  function syncMatching(form, ticked, rows) {
    var bar = matchingOf(form);
    if (!bar) return;
    var total = parseInt(bar.getAttribute('data-total'), 10) || 0;
    var whole = ticked > 0 && ticked === rows && total > rows;
    if (!whole) setAllMatching(form, false);
    bar.hidden = !whole;
    var on = allMatching(form);
    bar.querySelector('[data-page-note]').hidden = on;
    bar.querySelector('[data-choose-matching]').hidden = on;
    bar.querySelector('[data-matching-note]').hidden = !on;
    bar.querySelector('[data-clear-matching]').hidden = !on;
  }

  doc.addEventListener('click', function (event) {
    var target = event.target;
    if (!target || !target.closest) return;
    var choose = target.closest('[data-choose-matching]');
    var clear = target.closest('[data-clear-matching]');
    if (!choose && !clear) return;
    var form = target.closest('form[data-batch]');
    if (!form) return;
    if (clear) {
      var rows = rowsOf(form);
      for (var i = 0; i < rows.length; i++) rows[i].checked = false;
    }
    setAllMatching(form, !!choose);
    syncBatch(form);
  });

  function syncBatch(form) {
    var rows = rowsOf(form);
    var ticked = 0;
    for (var i = 0; i < rows.length; i++) if (rows[i].checked) ticked++;
    syncMatching(form, ticked, rows.length);
    var count = form.querySelector('[data-batch-count]');
    if (count) {
      if (!count.hasAttribute('data-hint')) count.setAttribute('data-hint', count.textContent);
      count.textContent = ticked
        ? count.getAttribute('data-template').replace('%{count}', batchCount(form))
        : count.getAttribute('data-hint');
    }
    var buttons = form.querySelectorAll('[data-needs-selection]');
    for (var j = 0; j < buttons.length; j++) buttons[j].disabled = !ticked;
    form.classList.toggle('idle', !ticked);
    var all = doc.querySelector('[data-select-all]');
    if (all) {
      all.hidden = false;
      all.checked = ticked > 0 && ticked === rows.length;
      all.indeterminate = ticked > 0 && ticked < rows.length;
    }
  }

  function syncAllBatches() {
    var forms = doc.querySelectorAll('form[data-batch]');
    for (var i = 0; i < forms.length; i++) syncBatch(forms[i]);
  }

  doc.addEventListener('change', function (event) {
    var el = event.target;
    if (!el || el.type !== 'checkbox') return;
    var form = el.hasAttribute('data-select-all')
      ? doc.querySelector('form[data-batch]')
      : el.form;
    if (!form || !form.hasAttribute('data-batch')) return;
    if (el.hasAttribute('data-select-all')) {
      var rows = rowsOf(form);
      for (var i = 0; i < rows.length; i++) rows[i].checked = el.checked;
    }
    syncBatch(form);
  });

  /* ---- Column picker: ↑ and ↓ move a column without sending the form ---- */

  doc.addEventListener('click', function (event) {
    var button = event.target && event.target.closest ? event.target.closest('[data-move]') : null;
    if (!button) return;
    var item = button.closest('[data-column]');
    if (!item || !item.parentNode) return;
    event.preventDefault();
    if (button.getAttribute('data-move') === 'up') {
      var before = item.previousElementSibling;
      if (before) item.parentNode.insertBefore(item, before);
    } else {
      var after = item.nextElementSibling;
      if (after) item.parentNode.insertBefore(after, item);
    }
    button.focus();
  });

  /* ---- Duplicate hint: [data-duplicates] asks while name or phone is typed ---- */

  var DUPLICATE_MS = 400;

  function showDuplicates(box, hints) {
    var list = box.querySelector('.dup-hint');
    if (!list) return;
    while (list.firstChild) list.removeChild(list.firstChild);
    for (var i = 0; i < hints.length; i++) {
      var hint = hints[i];
      var item = doc.createElement('li');
      if (hint.visible && hint.name) {
        // The locale's sentence, "%{name}" becoming a link to the record.
        var parts = box.getAttribute('data-found').split('%{name}');
        item.appendChild(doc.createTextNode(parts[0]));
        var link = doc.createElement('a');
        link.href = '/customers/' + encodeURIComponent(hint.id);
        link.textContent = hint.name;
        item.appendChild(link);
        if (parts[1]) item.appendChild(doc.createTextNode(parts[1]));
        var owner = hint.owner_name || (hint.in_pool ? box.getAttribute('data-pool') : '');
        if (owner) {
          item.appendChild(doc.createTextNode(box.getAttribute('data-owner').replace('%{owner}', owner)));
        }
      } else {
        item.textContent = box.getAttribute('data-hidden');
      }
      // Which typed field it shares: "same name", "same phone".
      var matched = (hint.matched || []).map(function (field) {
        return box.getAttribute('data-matched-' + field) || field;
      });
      if (matched.length) {
        item.appendChild(doc.createTextNode(' (' + matched.join(', ') + ')'));
      }
      list.appendChild(item);
    }
    list.hidden = hints.length === 0;
  }

  function watchDuplicates(box) {
    var form = box.closest('form');
    if (!form || !window.fetch) return;
    var timer = null;
    var asked = 0;
    function ask() {
      var params = [];
      var fields = form.querySelectorAll('[data-duplicate-field]');
      for (var i = 0; i < fields.length; i++) {
        var value = fields[i].value.trim();
        if (value.length >= 2) {
          params.push(fields[i].getAttribute('data-duplicate-field') + '=' + encodeURIComponent(value));
        }
      }
      if (!params.length) {
        showDuplicates(box, []);
        return;
      }
      var except = box.getAttribute('data-except');
      if (except) params.push('except=' + encodeURIComponent(except));
      var mine = ++asked;
      fetch(box.getAttribute('data-duplicates') + '?' + params.join('&'), {
        credentials: 'same-origin',
        headers: { Accept: 'application/json' }
      })
        .then(function (answer) { return answer.ok ? answer.json() : []; })
        .then(function (hints) {
          // An older answer arriving late must not replace a newer one.
          if (mine === asked) showDuplicates(box, Array.isArray(hints) ? hints : []);
        })
        .catch(function () {});
    }
    form.addEventListener('input', function (event) {
      if (!event.target || !event.target.hasAttribute('data-duplicate-field')) return;
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(ask, DUPLICATE_MS);
    });
  }

  /* ---- Start ---- */

  function start() {
    syncAllScopes();
    syncAllBatches();
    takeSnapshots();
    var boxes = doc.querySelectorAll('[data-duplicates]');
    for (var b = 0; b < boxes.length; b++) watchDuplicates(boxes[b]);
    var toasts = doc.querySelectorAll('.toast');
    for (var i = 0; i < toasts.length; i++) scheduleToast(toasts[i]);
  }

  // Coming back through the back/forward cache: the old page is shown as it
  // was left, possibly mid-submit, so measure again.
  window.addEventListener('pageshow', function (event) {
    if (event.persisted) {
      syncAllScopes();
      syncAllBatches();
      takeSnapshots();
      closeMenus(null);
    }
  });

  if (doc.readyState === 'loading') {
    doc.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();

// The search box: results grouped by kind while typing, "/" focuses it.
(function () {
  'use strict';
  var form = document.querySelector('[data-search]');
  if (!form) { return; }
  var input = form.querySelector('[data-search-input]');
  var box = form.querySelector('[data-search-results]');
  var timer = null;
  var asked = 0;

  function close() {
    box.hidden = true;
    input.setAttribute('aria-expanded', 'false');
  }

  function show(hits) {
    while (box.firstChild) { box.removeChild(box.firstChild); }
    if (!hits.length) {
      var empty = document.createElement('p');
      empty.className = 'search-empty';
      empty.textContent = box.getAttribute('data-empty');
      box.appendChild(empty);
    }
    var lastKind = null;
    hits.forEach(function (hit) {
      if (hit.kind !== lastKind) {
        var head = document.createElement('p');
        head.className = 'search-kind';
        head.textContent = box.getAttribute('data-kind-' + hit.kind) || hit.kind;
        box.appendChild(head);
        lastKind = hit.kind;
      }
      var link = document.createElement('a');
      link.href = hit.url;
      link.setAttribute('role', 'option');
      var title = document.createElement('span');
      title.textContent = hit.title;
      link.appendChild(title);
      if (hit.detail) {
        var detail = document.createElement('small');
        detail.textContent = hit.detail;
        link.appendChild(detail);
      }
      box.appendChild(link);
    });
    box.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  input.addEventListener('input', function () {
    clearTimeout(timer);
    var text = input.value.trim();
    if (!text) { close(); return; }
    timer = setTimeout(function () {
      var mine = ++asked;
      fetch('/api/v1/search?q=' + encodeURIComponent(text), { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : { hits: [] }; })
        .then(function (data) { if (mine === asked) { show(data.hits || []); } })
        .catch(function () { close(); });
    }, 200);
  });

  form.addEventListener('submit', function (event) {
    var first = box.querySelector('a');
    event.preventDefault();
    if (first) { window.location.href = first.href; }
  });

  document.addEventListener('keydown', function (event) {
    var typing = /^(input|textarea|select)$/i.test((document.activeElement || {}).tagName || '');
    if (event.key === '/' && !typing) {
      event.preventDefault();
      input.focus();
    } else if (event.key === 'Escape' && document.activeElement === input) {
      close();
    }
  });

  document.addEventListener('click', function (event) {
    if (!form.contains(event.target)) { close(); }
  });
})();

/* ---- Sales pages: the board's drag and drop, the product lines editor,
   stages that follow the chosen pipeline, and selects that submit. ---- */
(function () {
  'use strict';

  var doc = document;
  doc.documentElement.classList.add('js');

  // select[data-autosubmit] sends its form when changed.
  Array.prototype.forEach.call(doc.querySelectorAll('select[data-autosubmit]'), function (select) {
    select.addEventListener('change', function () { select.form.submit(); });
  });

  // select[data-autosubmit-custom]: the period of the insight filters. The
  // From/To dates show only for a custom period (or when one of them is
  // refused); without script they always show.
  Array.prototype.forEach.call(doc.querySelectorAll('select[data-autosubmit-custom]'), function (select) {
    var dates = select.form ? select.form.querySelectorAll('.custom-dates') : [];
    function show() {
      var refused = select.form.querySelector('.custom-dates [aria-invalid="true"]');
      var custom = select.value === 'custom' || !!refused;
      Array.prototype.forEach.call(dates, function (label) { label.hidden = !custom; });
    }
    select.addEventListener('change', show);
    show();
  });

  // select[data-refresh]: the form is shown again for the new choice (the
  // report builder's kind and filter fields), keeping what was typed.
  Array.prototype.forEach.call(doc.querySelectorAll('select[data-refresh]'), function (select) {
    var button = select.form && select.form.querySelector('[data-refresh-button]');
    if (!button) return;
    select.addEventListener('change', function () { button.click(); });
  });

  // select[data-filter-op]: a builder filter on a date shows only the
  // boxes its condition reads (From/To for a range, the days for "not for
  // so many days", none for a period or "has passed"); without script
  // every box shows, with a hint saying which is read.
  Array.prototype.forEach.call(doc.querySelectorAll('select[data-filter-op]'), function (select) {
    var row = select.closest('.filter-row');
    if (!row) return;
    var boxes = row.querySelectorAll('[data-for-op]');
    var hint = row.querySelector('[data-op-hint]');
    if (hint) hint.hidden = true;
    function show() {
      Array.prototype.forEach.call(boxes, function (box) {
        box.hidden = box.getAttribute('data-for-op') !== select.value;
      });
    }
    select.addEventListener('change', show);
    show();
  });

  // select[data-stages-for=ID]: only the chosen pipeline's stages are offered.
  Array.prototype.forEach.call(doc.querySelectorAll('select[data-stages-for]'), function (pipeline) {
    var stages = doc.getElementById(pipeline.getAttribute('data-stages-for'));
    if (!stages) return;
    function follow() {
      Array.prototype.forEach.call(stages.options, function (option) {
        var of = option.getAttribute('data-pipeline');
        var mine = !of || of === pipeline.value;
        option.hidden = !mine;
        option.disabled = !mine;
        if (!mine && option.selected) { stages.value = ''; }
      });
    }
    pipeline.addEventListener('change', follow);
    follow();
  });

  // fieldset[data-lines]: another row on demand; the list price as a hint.
  Array.prototype.forEach.call(doc.querySelectorAll('[data-lines]'), function (lines) {
    var add = lines.querySelector('[data-add-line]');
    function hint(row) {
      var select = row.querySelector('select');
      var price = row.querySelector('input[name$="_price"]');
      if (!select || !price) return;
      select.addEventListener('change', function () {
        var option = select.options[select.selectedIndex];
        var list = option && option.getAttribute('data-price');
        if (list) { price.placeholder = list; }
      });
    }
    Array.prototype.forEach.call(lines.querySelectorAll('[data-line]'), hint);
    if (!add) return;
    add.addEventListener('click', function () {
      var rows = lines.querySelectorAll('[data-line]');
      var last = rows[rows.length - 1];
      if (!last) return;
      var copy = last.cloneNode(true);
      Array.prototype.forEach.call(copy.querySelectorAll('input'), function (input) { input.value = ''; });
      Array.prototype.forEach.call(copy.querySelectorAll('select'), function (select) { select.selectedIndex = 0; });
      last.parentNode.insertBefore(copy, add);
      hint(copy);
      var first = copy.querySelector('select');
      if (first) first.focus();
    });
  });

  // [data-board]: drag a card onto another stage; the move is saved through
  // the same stage change as the card's menu, which works without a script.
  var board = doc.querySelector('[data-board]');
  if (!board) return;
  var dragged = null;

  // Money as the pages write it: "CNY 1,234.50" from hundredths, and a
  // currency without a minor unit whole: "JPY 1,000" (domain::money).
  var WHOLE_CURRENCIES = ['JPY', 'KRW'];
  function money(currency, minor) {
    var sign = minor < 0 ? '-' : '';
    var abs = Math.abs(minor);
    var whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    if (WHOLE_CURRENCIES.indexOf(currency) >= 0) return currency + ' ' + sign + whole;
    var cents = String(abs % 100);
    return currency + ' ' + sign + whole + '.' + (cents.length < 2 ? '0' + cents : cents);
  }

  // A card moved in or out: the column's count and its amounts follow.
  function count(column, delta, card) {
    var badge = column.querySelector('[data-count]');
    if (badge) { badge.textContent = String(Math.max(0, parseInt(badge.textContent, 10) + delta)); }
    var all = column.querySelector('[data-see-all]');
    if (all && badge) { all.textContent = all.getAttribute('data-see-all').replace('%{n}', badge.textContent); }
    var sums = column.querySelector('[data-amounts]');
    if (!sums || !card) return;
    var map = {};
    try { map = JSON.parse(sums.getAttribute('data-amounts') || '{}'); } catch (e) { map = {}; }
    var currency = card.getAttribute('data-currency');
    var amount = parseInt(card.getAttribute('data-amount'), 10) || 0;
    map[currency] = (map[currency] || 0) + delta * amount;
    sums.setAttribute('data-amounts', JSON.stringify(map));
    var parts = Object.keys(map).filter(function (c) { return map[c] !== 0; }).sort();
    if (!parts.length) parts = [currency];
    sums.textContent = parts.map(function (c) { return money(c, map[c] || 0); }).join(' · ');
  }

  // On a phone a long column shows its first cards and a "show all N"
  // button, so the next stage is one swipe away rather than a long scroll.
  var SHORT = 5;
  // The count is the column's true count: when the board holds fewer cards
  // than that, "show all" opens the list of the stage instead.
  Array.prototype.forEach.call(board.querySelectorAll('[data-stage]'), function (column) {
    var cards = column.querySelectorAll('[data-card]');
    if (cards.length <= SHORT) return;
    column.classList.add('collapsed');
    var badge = column.querySelector('[data-count]');
    var total = badge ? parseInt(badge.textContent, 10) || cards.length : cards.length;
    var list = column.querySelector('[data-see-all]');
    var more;
    if (total > cards.length && list) {
      more = doc.createElement('a');
      more.href = list.getAttribute('href');
    } else {
      more = doc.createElement('button');
      more.type = 'button';
      more.addEventListener('click', function () {
        column.classList.remove('collapsed');
        more.remove();
      });
    }
    more.className = 'btn small ghost board-expand';
    more.textContent = (board.getAttribute('data-show-all') || '').replace('%{n}', String(total));
    column.querySelector('[data-drop]').insertAdjacentElement('afterend', more);
  });

  board.addEventListener('dragstart', function (event) {
    var card = event.target.closest && event.target.closest('[data-card]');
    if (!card) return;
    // A card the user may not move (read only to them) is not dragged,
    // not even by its link.
    if (card.getAttribute('draggable') !== 'true') {
      event.preventDefault();
      return;
    }
    dragged = card;
    card.classList.add('dragging');
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData('text/plain', card.getAttribute('data-card'));
  });
  board.addEventListener('dragend', function () {
    if (dragged) dragged.classList.remove('dragging');
    Array.prototype.forEach.call(board.querySelectorAll('.drop-here'), function (el) { el.classList.remove('drop-here'); });
    dragged = null;
  });
  board.addEventListener('dragover', function (event) {
    var column = event.target.closest && event.target.closest('[data-stage]');
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.add('drop-here');
  });
  board.addEventListener('dragleave', function (event) {
    var column = event.target.closest && event.target.closest('[data-stage]');
    if (column && !column.contains(event.relatedTarget)) column.classList.remove('drop-here');
  });
  board.addEventListener('drop', function (event) {
    var column = event.target.closest && event.target.closest('[data-stage]');
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.remove('drop-here');
    var card = dragged;
    var from = card.closest('[data-stage]');
    var stage = column.getAttribute('data-stage');
    if (from === column) return;
    var body = new URLSearchParams();
    body.set('_csrf', board.getAttribute('data-csrf') || window.kj.csrf());
    body.set('stage_id', stage);
    body.set('from', 'board');
    var list = column.querySelector('[data-drop]');
    list.insertBefore(card, list.firstChild);
    count(column, 1, card);
    count(from, -1, card);
    fetch('/opportunities/' + card.getAttribute('data-card') + '/stage', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Accept': 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: body.toString()
    }).then(function (response) {
      if (response.ok) return null;
      // The server's reason, when it gives one, says why and what to do.
      // The first error's message says what to do; the title only what kind of problem it is.
      return response.json().then(function (problem) {
        var first = problem && problem.errors && problem.errors[0];
        return (first && first.message) || (problem && problem.title) || '';
      }, function () { return ''; });
    }).then(function (refused) {
      if (refused === null) {
        var select = card.querySelector('select[name="stage_id"]');
        if (select) select.value = stage;
        return;
      }
      throw new Error(refused);
    }).catch(function (error) {
      from.querySelector('[data-drop]').appendChild(card);
      count(column, -1, card);
      count(from, 1, card);
      var failed = board.getAttribute('data-failed') || '';
      window.alert(error && error.message ? error.message + '\n' + failed : failed);
    });
  });
})();

/* ---- Folded summaries (a pool's rules) that stand open on a wide screen ---- */
(function () {
  'use strict';

  if (!window.matchMedia || !window.matchMedia('(min-width: 721px)').matches) return;
  Array.prototype.forEach.call(document.querySelectorAll('details[data-open-wide]'), function (box) {
    box.open = true;
  });
})();

/* ---- The condition builder: a choice field is picked from its list ---- */
(function () {
  'use strict';

  Array.prototype.forEach.call(document.querySelectorAll('.add-condition'), function (box) {
    var chooser = box.querySelector('select[name="cond"]');
    var text = box.querySelector('[data-condition-text]');
    var pickers = box.querySelectorAll('[data-condition-choices]');
    var typed = text ? text.querySelector('input') : null;
    if (!chooser) return;
    function show() {
      var parts = chooser.value.split('|');
      var op = parts.pop();
      var field = parts.join('|');
      var picking = op === 'equals' || op === 'one_of';
      var shown = false;
      Array.prototype.forEach.call(pickers, function (picker) {
        var mine = picking && picker.getAttribute('data-condition-choices') === field;
        picker.hidden = !mine;
        var select = picker.querySelector('select');
        select.multiple = op === 'one_of';
        if (!mine) select.selectedIndex = -1;
        shown = shown || mine;
      });
      if (text) text.hidden = shown || op === 'is_empty' || op === 'not_empty' || op === 'between';
      var range = box.querySelector('[data-condition-range]');
      if (range) range.hidden = op !== 'between';
      // One end of a range of days is picked from a calendar too.
      if (typed) {
        var dated = op === 'on_or_after' || op === 'on_or_before';
        typed.type = dated ? 'date' : 'text';
        if (dated) { typed.min = '1900-01-01'; typed.max = '2999-12-31'; }
        else { typed.removeAttribute('min'); typed.removeAttribute('max'); }
      }
    }
    chooser.addEventListener('change', show);
    show();
  });
})();

// A type-ahead picker ([data-picker], the contact's customer): customers
// found by the search box's own API while typing; choosing one fills the
// hidden id. Without a script the "Find" button shows the same results.
(function () {
  'use strict';
  var pickers = document.querySelectorAll('[data-picker]');
  Array.prototype.forEach.call(pickers, function (picker) {
    var input = picker.querySelector('[data-picker-input]');
    var box = picker.querySelector('[data-picker-results]');
    var seen = picker.querySelector('[data-picker-seen]');
    if (!input || !box || !seen) { return; }
    var timer = null;
    var asked = 0;
    var active = -1;

    function options() { return box.querySelectorAll('button'); }

    function close() {
      box.hidden = true;
      active = -1;
      input.setAttribute('aria-expanded', 'false');
    }

    function choose(id, title) {
      // The results shown without a script give way to the one chosen.
      var choices = picker.querySelector('[data-picker-choices]');
      if (choices) { choices.parentNode.removeChild(choices); }
      var value = picker.querySelector('[data-picker-value]');
      if (!value) {
        value = document.createElement('input');
        value.type = 'hidden';
        value.name = 'customer_id';
        value.setAttribute('data-picker-value', '');
        picker.appendChild(value);
      }
      value.value = String(id);
      input.value = title;
      seen.value = title;
      close();
    }

    function show(hits, more) {
      while (box.firstChild) { box.removeChild(box.firstChild); }
      if (!hits.length) {
        var empty = document.createElement('p');
        empty.textContent = picker.getAttribute('data-empty');
        box.appendChild(empty);
      }
      hits.forEach(function (hit) {
        var option = document.createElement('button');
        option.type = 'button';
        option.setAttribute('role', 'option');
        var title = document.createElement('span');
        title.textContent = hit.title;
        option.appendChild(title);
        if (hit.detail) {
          var detail = document.createElement('small');
          detail.textContent = hit.detail;
          option.appendChild(detail);
        }
        option.addEventListener('click', function () { choose(hit.id, hit.title); });
        box.appendChild(option);
      });
      var moreText = picker.getAttribute('data-more');
      if (more > 0 && moreText) {
        var hint = document.createElement('p');
        hint.className = 'hint';
        hint.textContent = moreText.replace('%{n}', String(more));
        box.appendChild(hint);
      }
      box.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }

    function mark(index) {
      var all = options();
      if (!all.length) { return; }
      active = (index + all.length) % all.length;
      Array.prototype.forEach.call(all, function (o, i) {
        o.setAttribute('aria-selected', i === active ? 'true' : 'false');
      });
      all[active].scrollIntoView({ block: 'nearest' });
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      var text = input.value.trim();
      if (!text) { close(); return; }
      timer = setTimeout(function () {
        var mine = ++asked;
        fetch('/api/v1/search?q=' + encodeURIComponent(text), { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
          .then(function (r) { return r.ok ? r.json() : { hits: [] }; })
          .then(function (data) {
            if (mine !== asked) { return; }
            show((data.hits || []).filter(function (h) { return h.kind === 'customer'; }), (data.more || {}).customer || 0);
          })
          .catch(function () { close(); });
      }, 200);
    });

    input.addEventListener('keydown', function (event) {
      if (event.key === 'ArrowDown' && !box.hidden) {
        event.preventDefault();
        mark(active + 1);
      } else if (event.key === 'ArrowUp' && !box.hidden) {
        event.preventDefault();
        mark(active - 1);
      } else if (event.key === 'Enter') {
        // Enter in the customer field chooses, or finds; it never saves.
        var all = options();
        if (!box.hidden && all.length) {
          event.preventDefault();
          all[active >= 0 ? active : 0].click();
        } else {
          event.preventDefault();
          var find = picker.querySelector('[data-picker-find]');
          if (find) { find.click(); }
        }
      } else if (event.key === 'Escape') {
        close();
      }
    });

    document.addEventListener('click', function (event) {
      if (!picker.contains(event.target)) { close(); }
    });
  });
})();

/* ---- The language switch comes back to the page it was used on, with its query ---- */
(function () {
  'use strict';

  var forms = document.querySelectorAll('form[action="/language"] input[name="back"]');
  for (var i = 0; i < forms.length; i++) {
    forms[i].value = window.location.pathname + window.location.search;
  }
})();
