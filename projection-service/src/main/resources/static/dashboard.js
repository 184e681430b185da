// The commitments dashboard: REST for the current views, the latest events, then Server-Sent Events for
// everything after. Plain JavaScript and inline SVG, no CDN: it must work offline. Tokens travel as access_token
// because EventSource cannot send headers; use a read-only (dashboard) token.
(function () {
  'use strict';

  const params = new URLSearchParams(location.search);
  const token = params.get('token') || sessionStorage.getItem('ledger.token');
  const $ = id => document.getElementById(id);
  const countriesEl = $('countries');
  const feedEl = $('feed');
  const connectionEl = $('connection');
  const agreementsBody = document.querySelector('#agreements tbody');
  const countries = new Set();
  const agreements = new Map();
  let held = new Map();

  if (!token) {
    $('token-form').hidden = false;
    document.querySelector('#token-form form').addEventListener('submit', e => {
      e.preventDefault();
      sessionStorage.setItem('ledger.token', $('token').value.trim());
      location.search = '';
    });
    connectionEl.textContent = 'no token';
    connectionEl.dataset.state = 'error';
    return;
  }
  sessionStorage.setItem('ledger.token', token);
  // the token is kept in this tab; the address bar need not show it
  if (params.has('token')) { history.replaceState(null, '', location.pathname + location.hash); }

  function api(path) {
    return fetch(path, {headers: {'Authorization': 'Bearer ' + token}}).then(r => {
      if (!r.ok) { throw new Error(path + ' → ' + r.status); }
      return r.json();
    });
  }

  // ---- words: the one home of country names, money, dates and balances ----

  const regionNames = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(['en'], {type: 'region'}) : null;
  function countryName(code) {
    try { return (regionNames && regionNames.of(code)) || code; } catch (e) { return code; }
  }
  function named(code) { return countryName(code) + ' (' + code + ')'; }
  const count = new Intl.NumberFormat('en');
  function people(n) { return count.format(n) + (Number(n) === 1 ? ' person' : ' people'); }

  /** An exact decimal string as "USD 780,000.00": grouped by hand, never through a float. */
  function money(currency, amount) {
    const [whole, cents] = String(amount).replace(/^-/, '').split('.');
    return currency + '\u00a0' + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (cents !== undefined ? '.' + cents : '');
  }

  /** A fee balance in words, from the sign of what is outstanding: the payer owes, or has paid ahead and holds a credit. */
  function balanceSentence(b, payer, payee) {
    const sign = /^-/.test(b.outstanding) ? -1 : /^[0.]+$/.test(b.outstanding) ? 0 : 1;
    const facts = 'assessed ' + money(b.currency, b.assessed) + ', paid ' + money(b.currency, b.paid);
    if (sign > 0) {
      return {state: 'owes', text: countryName(payer) + ' owes ' + countryName(payee) + ' ' + money(b.currency, b.outstanding), facts};
    }
    if (sign < 0) {
      return {state: 'credit', text: countryName(payer) + ' holds a credit of ' + money(b.currency, b.outstanding) + ' with '
          + countryName(payee) + ' (paid more than assessed)', facts};
    }
    return {state: 'settled', text: countryName(payer) + ' and ' + countryName(payee) + ' are settled in ' + b.currency, facts};
  }

  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  function monthLabel(key) { return MONTHS[Number(key.slice(5, 7)) - 1] + ' ' + key.slice(0, 4); }
  function day(iso) {
    if (!iso) { return ''; }
    const [y, m, d] = iso.slice(0, 10).split('-');
    return Number(d) + ' ' + MONTHS[Number(m) - 1] + ' ' + y;
  }
  function moment(instant) { return day(instant) + ', ' + instant.slice(11, 16) + ' UTC'; }
  function words(constant) { const s = String(constant).replaceAll('_', ' ').toLowerCase(); return s.charAt(0).toUpperCase() + s.slice(1); }
  function eventName(type) { const s = type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase(); return s.charAt(0).toUpperCase() + s.slice(1); }

  /** What an event says, in one line. */
  function eventSummary(type, p) {
    p = p || {};
    const headcount = list => (list || []).reduce((n, h) => n + Number(h.count || 0), 0);
    switch (type) {
      case 'AgreementOffered': return countryName(p.offeringParty) + ' offers: ' + ((p.terms && p.terms.title) || '');
      case 'AgreementAccepted': return 'accepted by ' + countryName(p.acceptingParty) + ' on ' + day(p.acceptedOn);
      case 'AgreementEnteredIntoForce': return 'in force on ' + day(p.inForceOn);
      case 'TransferRecorded': return people(headcount(p.headcounts)) + ', ' + countryName(p.fromCountry) + ' → '
          + countryName(p.toCountry) + ' on ' + day(p.transferDate);
      case 'TransferCompleted': return 'completed on ' + day(p.completedOn);
      case 'TransferCancelled': return 'cancelled on ' + day(p.cancelledOn);
      case 'TransferCorrected': return 'counts corrected to ' + people(headcount(p.headcounts)) + (p.reason ? ': ' + p.reason : '');
      case 'FeeAssessed': return countryName(p.payer) + ' is charged ' + money(p.amount.currency, p.amount.amount) + ' by ' + countryName(p.payee);
      case 'FeePaymentRecorded': return countryName(p.payer) + ' paid ' + countryName(p.payee) + ' ' + money(p.amount.currency, p.amount.amount);
      default: return '';
    }
  }

  // ---- DOM and SVG ----

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => { if (v !== null && v !== undefined) { node.setAttribute(k, v); } });
    children.flat().forEach(c => { if (c !== null && c !== undefined) { node.append(c instanceof Node ? c : document.createTextNode(String(c))); } });
    return node;
  }
  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    children.forEach(c => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return node;
  }

  /** A chart as an image for assistive technology: its description is its whole content. */
  function chart(cls, width, height, description) {
    return svg('svg', {class: 'chart ' + cls, viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': description},
      svg('title', {}, description));
  }

  /** Months from first to last ("2025-02" … "2025-05"), at most the last 18. */
  function monthRange(first, last) {
    const out = [];
    let [y, m] = first.split('-').map(Number);
    const [ly, lm] = last.split('-').map(Number);
    while (y < ly || (y === ly && m <= lm)) {
      out.push(y + '-' + String(m).padStart(2, '0'));
      m += 1;
      if (m > 12) { m = 1; y += 1; }
    }
    return out.slice(-18);
  }
  /** A round top for an axis whose middle tick is a whole number too. */
  function niceMax(n) {
    if (n <= 4) { return 4; }
    const step = Math.pow(10, Math.floor(Math.log10(n)));
    const top = Math.ceil(n / step) * step;
    return top % 2 === 0 ? top : top + step;
  }

  /** Columns per month for one or more series, with an optional dashed target line. */
  function columns(months, series, target, description) {
    const W = 340, H = 150, left = 34, bottom = 22, top = 10, plotH = H - top - bottom, plotW = W - left - 6;
    const max = niceMax(Math.max(target || 0, ...series.flatMap(s => months.map(k => s.values[k] || 0)), 1));
    const c = chart('columns', W, H, description);
    const y = v => top + plotH - plotH * v / max;
    [0, max / 2, max].forEach(v => {
      c.append(svg('line', {class: 'grid', x1: left, x2: W - 6, y1: y(v), y2: y(v)}),
        svg('text', {class: 'axis', x: left - 4, y: y(v) + 4, 'text-anchor': 'end'}, count.format(v)));
    });
    const slot = plotW / months.length, barW = Math.min(28, (slot - 6) / series.length);
    months.forEach((k, i) => {
      const x0 = left + i * slot + (slot - barW * series.length) / 2;
      series.forEach((s, j) => {
        const v = s.values[k] || 0;
        c.append(svg('rect', {class: 'bar ' + s.cls, x: x0 + j * barW, y: y(v), width: Math.max(1, barW - 2), height: Math.max(0, top + plotH - y(v)),
          'data-month': k, 'data-value': v}));
        if (v > 0 && barW >= 10) {
          c.append(svg('text', {class: 'value', x: x0 + j * barW + barW / 2 - 1, y: y(v) - 3, 'text-anchor': 'middle'}, count.format(v)));
        }
      });
      const every = Math.ceil(months.length / 6);
      if (i % every === 0 || i === months.length - 1) {
        c.append(svg('text', {class: 'axis', x: left + i * slot + slot / 2, y: H - 6, 'text-anchor': 'middle'}, monthLabel(k)));
      }
    });
    if (target) {
      c.append(svg('line', {class: 'target', x1: left, x2: W - 6, y1: y(target), y2: y(target)}),
        svg('text', {class: 'target-label', x: W - 8, y: y(target) - 4, 'text-anchor': 'end'}, 'target ' + count.format(target)));
    }
    return c;
  }

  function legend(items) {
    return el('ul', {class: 'legend'}, items.map(([cls, text]) => el('li', {}, el('span', {class: 'swatch ' + cls, 'aria-hidden': 'true'}), text)));
  }

  /** Used against capacity in each period: one horizontal bar per period, most recent last. */
  function capacityBars(capacity) {
    const periods = capacity.use.slice(-6);
    const W = 340, row = 26, H = periods.length * row + 4, left = 74, right = 88;
    const label = p => capacity.period === 'MONTH' ? monthLabel(p.period) : p.period === 'agreement' ? 'Whole term' : p.period;
    const description = 'Capacity used per ' + words(capacity.period).toLowerCase() + ', of ' + count.format(capacity.persons) + ': '
      + periods.map(p => label(p) + ' ' + count.format(p.used)).join('; ');
    const c = chart('capacity', W, H, description);
    periods.forEach((p, i) => {
      const y = 4 + i * row, w = (W - left - right) * Math.min(1, p.used / capacity.persons);
      c.append(svg('text', {class: 'axis', x: 0, y: y + 15}, label(p)),
        svg('rect', {class: 'track', x: left, y: y + 3, width: W - left - right, height: 16, rx: 3}),
        svg('rect', {class: 'bar used' + (p.used >= capacity.persons ? ' full' : ''), x: left, y: y + 3, width: Math.max(0, w), height: 16, rx: 3,
          'data-period': p.period, 'data-used': p.used}),
        svg('text', {class: 'value', x: W - right + 6, y: y + 15}, count.format(p.used) + ' of ' + count.format(capacity.persons)));
    });
    return c;
  }

  // ---- a country card ----

  function firstMonth(code) {
    let first = null;
    agreements.forEach(a => {
      if (a.parties.includes(code)) {
        const m = (a.inForceOn || a.offeredOn || '').slice(0, 7);
        if (m && (!first || m < first)) { first = m; }
      }
    });
    return first;
  }

  function transfersChart(code, list) {
    const received = {}, sent = {};
    list.filter(t => t.status !== 'CANCELLED').forEach(t => {
      const k = t.transferDate.slice(0, 7);
      if (t.toCountry === code) { received[k] = (received[k] || 0) + t.persons; }
      if (t.fromCountry === code) { sent[k] = (sent[k] || 0) + t.persons; }
    });
    const keys = Object.keys(received).concat(Object.keys(sent)).sort();
    if (!keys.length) { return el('p', {class: 'empty'}, 'No transfers to or from ' + countryName(code) + ' yet.'); }
    const start = [firstMonth(code), keys[0]].filter(Boolean).sort()[0];
    const months = monthRange(start, keys[keys.length - 1]);
    const total = o => Object.values(o).reduce((a, b) => a + b, 0);
    const description = 'People transferred per month, ' + countryName(code) + ': received ' + count.format(total(received))
      + ', sent ' + count.format(total(sent)) + '. ' + months.map(k => monthLabel(k) + ' received ' + (received[k] || 0)
      + ', sent ' + (sent[k] || 0)).join('; ');
    return el('figure', {class: 'figure', 'data-chart': 'transfers'},
      el('figcaption', {}, 'People transferred per month'),
      columns(months, [{cls: 'received', values: received}, {cls: 'sent', values: sent}], null, description),
      legend([['received', 'received ' + count.format(total(received))], ['sent', 'sent ' + count.format(total(sent))]]));
  }

  function volumeChart(code, v) {
    const keys = Object.keys(v.recordedPerMonth).sort();
    const start = [firstMonth(code), keys[0]].filter(Boolean).sort()[0] || new Date().toISOString().slice(0, 7);
    const months = monthRange(start, keys.length ? keys[keys.length - 1] : start);
    const target = v.target != null ? Number(v.target) : null;
    const what = words(v.metric).toLowerCase().replace(' per month', '');
    const description = words(v.metric) + ' to ' + countryName(code) + ', commitment +' + v.increasePercent + ' %'
      + (target != null ? ', target ' + target + ' a month' : ', no baseline recorded') + ': '
      + months.map(k => monthLabel(k) + ' ' + (v.recordedPerMonth[k] || 0)).join('; ');
    return el('figure', {class: 'figure', 'data-chart': 'volume'},
      el('figcaption', {}, words(v.metric) + ' — committed +' + v.increasePercent + ' %'),
      columns(months, [{cls: 'flights', values: v.recordedPerMonth}], target, description),
      el('p', {class: 'note'}, target != null
        ? 'Target ' + count.format(target) + ' a month: the baseline of ' + count.format(Number(v.baseline)) + ' plus ' + v.increasePercent + ' %.'
        : 'The agreement records no baseline, so the +' + v.increasePercent + ' % cannot be measured yet; the columns count ' + what + ' recorded.'));
  }

  function acceptance(a) {
    const who = a.nationalities.kind === 'LISTED' ? a.nationalities.nationalities.map(countryName).join(', ') + ' nationals'
      : a.nationalities.kind === 'OWN' ? 'its own nationals' : 'any nationality';
    const block = el('div', {class: 'commitment accept', 'data-agreement': a.agreementId},
      el('h4', {}, 'Accepts ', who),
      el('p', {class: 'terms'}, a.categories.map(c => words(c).toLowerCase()).join(', '),
        a.fromParties.length ? ' · from ' + a.fromParties.map(countryName).join(', ') : '',
        a.facility ? ' · into ' + a.facility : '', a.pendingOnwardReturn ? ' · pending onward return' : '',
        ' · ', el('span', {class: 'status-badge', 'data-status': a.agreementStatus}, words(a.agreementStatus))),
      el('p', {class: 'received'}, el('strong', {}, people(a.personsReceived)), ' received so far',
        a.capacity ? '' : el('span', {class: 'note'}, ' · no capacity limit')));
    if (held.has(a.agreementId)) { block.querySelector('h4').prepend(heldBadge(held.get(a.agreementId)), ' '); }
    if (a.capacity) {
      block.append(el('figure', {class: 'figure', 'data-chart': 'capacity'},
        el('figcaption', {}, 'Capacity: ' + count.format(a.capacity.persons) + ' people per ' + words(a.capacity.period).toLowerCase()),
        capacityBars(a.capacity)));
    }
    return block;
  }

  function render(code, view, transfers) {
    const statuses = Object.entries(view.agreementsByStatus);
    const card = el('article', {class: 'country', id: 'country-' + code, 'data-country': code, 'aria-labelledby': 'name-' + code},
      el('header', {class: 'country-head'},
        el('h3', {id: 'name-' + code}, countryName(code), ' ', el('span', {class: 'code'}, code)),
        el('p', {class: 'statuses'}, statuses.map(([s, n]) =>
          el('span', {class: 'status-badge', 'data-status': s}, words(s) + ' ' + n)))));
    view.accepts.forEach(a => card.append(acceptance(a)));
    view.volumes.forEach(v => card.append(el('div', {class: 'commitment volume'}, volumeChart(code, v))));
    if (transfers.length || view.accepts.length) { card.append(el('div', {class: 'commitment transfers'}, transfersChart(code, transfers))); }
    const fees = [];
    view.pays.forEach(b => fees.push(balanceSentence(b, code, b.counterparty)));
    view.isOwed.forEach(b => fees.push(balanceSentence(b, b.counterparty, code)));
    if (fees.length) {
      card.append(el('div', {class: 'commitment fees'}, el('h4', {}, 'Fees'),
        el('ul', {class: 'balances'}, fees.map(f => el('li', {class: 'balance', 'data-state': f.state},
          el('span', {class: 'money'}, f.text), el('span', {class: 'facts'}, f.facts))))));
    }
    view.otherCommitments.forEach(o => {
      const t = o.terms;
      const to = t.payee || t.beneficiary;
      card.append(el('p', {class: 'other'}, words(o.type) + (to ? ' → ' + countryName(to) : '') + (t.purpose ? ' (' + words(t.purpose).toLowerCase() + ')' : '')
        + (t.description ? ': ' + t.description : '')));
    });
    card.dataset.weight = String(view.accepts.length * 4 + view.volumes.length * 2 + (fees.length ? 2 : 0) + (transfers.length ? 1 : 0));
    const old = $('country-' + code);
    if (old) { old.replaceWith(card); } else { place(card); }
  }

  /** Countries with commitments and movements first, then by name. */
  function place(card) {
    const weight = Number(card.dataset.weight), name = countryName(card.dataset.country);
    const after = [...countriesEl.children].find(c => Number(c.dataset.weight) < weight
      || (Number(c.dataset.weight) === weight && countryName(c.dataset.country).localeCompare(name) > 0));
    countriesEl.insertBefore(card, after || null);
  }

  function heldBadge(reason) {
    return el('span', {class: 'badge held', title: reason}, 'held');
  }

  function refresh(code) {
    return Promise.all([api('/countries/' + code + '/commitments'), api('/transfers?country=' + code + '&size=500')])
      .then(([view, transfers]) => render(code, view, transfers.transfers)).catch(() => {});
  }

  // ---- agreements, totals and one agreement's history ----

  function renderAgreements() {
    const list = [...agreements.values()].sort((a, b) => (b.lastEventAt || '').localeCompare(a.lastEventAt || ''));
    agreementsBody.replaceChildren(...list.map(a => el('tr', {'data-agreement': a.agreementId},
      el('td', {'data-label': 'Agreement'}, held.has(a.agreementId) ? [heldBadge(held.get(a.agreementId)), ' '] : [], a.title),
      el('td', {'data-label': 'Parties'}, a.parties.map(countryName).join(' · ')),
      el('td', {'data-label': 'Status'}, el('span', {class: 'status-badge', 'data-status': a.status}, words(a.status))),
      el('td', {'data-label': 'Last event'}, a.lastEventAt ? moment(a.lastEventAt) : ''),
      el('td', {'data-label': 'History'}, el('a', {href: '#history=' + a.agreementId, class: 'history-link',
        'aria-label': 'History of ' + a.title}, 'History')))));
  }

  function refreshAgreements() {
    return api('/agreements?size=500').then(list => {
      agreements.clear();
      list.forEach(a => { agreements.set(a.agreementId, a); a.parties.forEach(code => countries.add(code)); });
      renderAgreements();
    });
  }

  function refreshSummary() {
    return api('/transfers?size=1').then(transfers => {
      const by = {};
      agreements.forEach(a => { by[a.status] = (by[a.status] || 0) + 1; });
      const tile = (id, value, label) => el('div', {class: 'tile', id: id}, el('span', {class: 'value'}, value), el('span', {class: 'label'}, label));
      $('summary').replaceChildren(
        tile('total-in-force', count.format(by.IN_FORCE || 0), 'agreements in force'),
        tile('total-offered', count.format((by.OFFERED || 0) + (by.AMENDED || 0)), 'offers under negotiation'),
        tile('total-people', count.format(transfers.totalPersons), 'people transferred'),
        tile('total-countries', count.format(countries.size), 'countries'));
    }).catch(() => {});
  }

  function showHistory() {
    const match = location.hash.match(/^#history=(.+)$/);
    const section = $('history');
    if (!match) { section.hidden = true; return Promise.resolve(); }
    const id = decodeURIComponent(match[1]);
    return api('/agreements/' + encodeURIComponent(id) + '/history').then(entries => {
      const a = agreements.get(id);
      section.dataset.agreement = id;
      $('history-heading').textContent = 'History: ' + (a ? a.title : id);
      $('history-meta').textContent = a ? a.parties.map(countryName).join(' · ') + ' — ' + words(a.status) + ' · ' + id : id;
      $('history-list').replaceChildren(...entries.map(e => el('li', {'data-type': e.type},
        el('span', {class: 'seq'}, '#' + e.sequence),
        el('div', {},
          el('strong', {}, eventName(e.type)), ' ', eventSummary(e.type, e.payload),
          el('span', {class: 'when'}, 'recorded ' + moment(e.occurredAt) + ' by ' + (e.country ? countryName(e.country) + ', ' : '')
            + e.principal + (e.correlationId ? ' · correlation ' + e.correlationId : ''))))));
      const wasHidden = section.hidden;
      section.hidden = false;
      if (wasHidden) { $('history-heading').focus(); }
    }).catch(err => {
      section.hidden = false;
      $('history-heading').textContent = 'History of ' + id + ' is not available (' + err.message + ')';
      $('history-list').replaceChildren();
    });
  }
  window.addEventListener('hashchange', showHistory);

  // ---- held agreements ----

  // A parked event sends no live event, so the held list is also read every 10 s.
  function refreshHeld() {
    return api('/agreements?held=true&size=500').then(list => {
      held = new Map(list.map(a => [a.agreementId, a.heldReason]));
      $('held-list').replaceChildren(...list.map(a => el('li', {'data-agreement': a.agreementId},
        heldBadge(a.heldReason), ' ', el('strong', {}, a.title), ' (' + a.parties.map(countryName).join('–') + ', ' + a.agreementId + ')',
        el('div', {class: 'reason'}, a.heldReason))));
      $('held').hidden = list.length === 0;
    }).catch(() => {});
  }

  // ---- the feed ----

  function feedItem(data, fresh) {
    return el('li', {class: fresh ? 'fresh' : null, 'data-type': data.type, 'data-feed-id': data.feedId},
      el('a', {href: '#history=' + data.agreementId}, eventName(data.type)),
      el('span', {class: 'parties'}, data.parties.map(countryName).join(' · ')),
      el('span', {class: 'what'}, eventSummary(data.type, data.payload)),
      el('span', {class: 'when'}, moment(data.occurredAt) + (data.country ? ' · by ' + countryName(data.country) : '')));
  }

  // Several events arrive together: the views they touch are read again once, shortly after.
  const dirty = new Set();
  let soon = null;
  function refreshSoon(codes) {
    codes.forEach(c => dirty.add(c));
    if (soon) { return; }
    soon = setTimeout(() => {
      soon = null;
      const codesNow = [...dirty];
      dirty.clear();
      refreshHeld().then(refreshAgreements).then(() => Promise.all(codesNow.map(refresh))).then(refreshSummary)
        .then(() => { if ($('history').dataset.agreement && !$('history').hidden) { return showHistory(); } }).catch(() => {});
    }, 300);
  }

  function onEvent(event) {
    const data = JSON.parse(event.data);
    const item = feedItem(data, true);
    feedEl.prepend(item);
    setTimeout(() => item.classList.remove('fresh'), 4000);
    while (feedEl.children.length > 200) { feedEl.lastChild.remove(); }
    data.parties.forEach(code => countries.add(code));
    refreshSoon(data.parties);
  }

  function subscribe(after) {
    const source = new EventSource('/live/events?after=' + after + '&access_token=' + encodeURIComponent(token));
    source.onopen = () => { connectionEl.textContent = 'live'; connectionEl.dataset.state = 'live'; };
    source.onerror = () => { connectionEl.textContent = 'reconnecting…'; connectionEl.dataset.state = 'connecting'; };
    ['AgreementOffered', 'OfferAmended', 'AgreementAccepted', 'AgreementEnteredIntoForce', 'AgreementRejected',
      'OfferWithdrawn', 'AgreementSuspended', 'AgreementResumed', 'AgreementTerminated', 'AgreementExpired',
      'TransferRecorded', 'TransferCompleted', 'TransferCancelled', 'TransferCorrected', 'FeeAssessed',
      'FeePaymentRecorded'].forEach(type => source.addEventListener(type, onEvent));
    source.addEventListener('resync', () => location.reload());
  }

  // The latest events first, then the stream from just after them: nothing missed, nothing twice. An event applied
  // while the views below are read is refreshed again when it arrives.
  api('/live/recent?limit=30').then(recent => {
    feedEl.replaceChildren(...recent.map(item => feedItem(item, false)));
    subscribe(recent.length ? recent[0].feedId : 0);
    return refreshHeld();
  }).then(refreshAgreements).then(() => Promise.all([...countries].map(refresh))).then(refreshSummary).then(showHistory)
    .then(() => { document.body.dataset.loaded = 'true'; })
    .catch(err => {
      connectionEl.textContent = String(err.message || err);
      connectionEl.dataset.state = 'error';
    });
  setInterval(refreshHeld, 10000);
})();
