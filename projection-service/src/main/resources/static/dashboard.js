// The commitments dashboard: REST for the current views, Server-Sent Events for everything after.
// Plain JavaScript, no CDN: it must work offline. Tokens travel as access_token because EventSource
// cannot send headers; use a read-only (dashboard) token.
(function () {
  'use strict';

  const params = new URLSearchParams(location.search);
  const token = params.get('token') || sessionStorage.getItem('ledger.token');
  const countriesEl = document.getElementById('countries');
  const feedEl = document.getElementById('feed');
  const connectionEl = document.getElementById('connection');
  const heldEl = document.getElementById('held');
  const heldListEl = document.getElementById('held-list');
  const countries = new Map();
  let held = new Map();

  if (!token) {
    document.getElementById('token-form').hidden = false;
    document.querySelector('#token-form form').addEventListener('submit', e => {
      e.preventDefault();
      sessionStorage.setItem('ledger.token', document.getElementById('token').value.trim());
      location.search = '';
    });
    connectionEl.textContent = 'no token';
    connectionEl.dataset.state = 'error';
    return;
  }
  sessionStorage.setItem('ledger.token', token);

  function api(path) {
    return fetch(path, {headers: {'Authorization': 'Bearer ' + token}}).then(r => {
      if (!r.ok) { throw new Error(path + ' → ' + r.status); }
      return r.json();
    });
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    children.flat().forEach(c => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return node;
  }

  function bar(used, total) {
    const pct = total > 0 ? Math.min(100, Math.round(100 * used / total)) : 0;
    return el('div', {class: 'bar' + (used >= total ? ' full' : ''), title: used + ' of ' + total},
      el('div', {style: 'width:' + pct + '%'}));
  }

  function currentPeriod(capacity) {
    const now = new Date();
    const key = capacity.period === 'MONTH' ? now.toISOString().slice(0, 7)
      : capacity.period === 'YEAR' ? String(now.getUTCFullYear()) : 'agreement';
    const used = capacity.use.find(u => u.period === key) || capacity.use[capacity.use.length - 1];
    return used || {period: key, used: 0, remaining: capacity.persons};
  }

  function render(code, view) {
    const card = el('div', {class: 'country', id: 'country-' + code, 'data-country': code},
      el('h3', {}, code),
      el('div', {class: 'statuses'}, Object.entries(view.agreementsByStatus).map(([s, n]) => el('span', {}, s + ': ' + n))));
    view.accepts.forEach(a => {
      const who = a.nationalities.kind === 'LISTED' ? a.nationalities.nationalities.join(', ') : a.nationalities.kind;
      const block = el('div', {class: 'commitment accept'},
        el('div', {}, 'Accepts ', el('strong', {}, who), ' nationals (', a.categories.join(', '), ')',
          a.fromParties.length ? ' from ' + a.fromParties.join(', ') : '', a.facility ? ' into ' + a.facility : '',
          a.pendingOnwardReturn ? ', pending onward return' : ''),
        el('div', {class: 'received'}, 'received: ' + a.personsReceived + ' people'));
      if (held.has(a.agreementId)) { block.prepend(heldBadge(held.get(a.agreementId))); }
      if (a.capacity) {
        const p = currentPeriod(a.capacity);
        block.append(el('div', {}, 'capacity ' + p.period + ': ' + p.used + ' / ' + a.capacity.persons),
          bar(p.used, a.capacity.persons));
      }
      card.append(block);
    });
    view.volumes.forEach(v => {
      const months = Object.entries(v.recordedPerMonth);
      const latest = months.length ? months[months.length - 1] : null;
      const block = el('div', {class: 'commitment volume'},
        el('div', {}, v.metric.replaceAll('_', ' ').toLowerCase() + ': +' + v.increasePercent + ' %' +
          (v.target != null ? ' (target ' + v.target + ')' : '')),
        el('div', {class: 'flights'}, latest ? 'flights ' + latest[0] + ': ' + latest[1] : 'no flights recorded yet'));
      if (v.target != null) { block.append(bar(latest ? latest[1] : 0, Number(v.target))); }
      card.append(block);
    });
    [['owes', view.pays], ['is owed', view.isOwed]].forEach(([label, balances]) => balances.forEach(b =>
      card.append(el('div', {class: 'commitment fee'}, label + ' ' + b.counterparty + ': ',
        el('span', {class: 'money'}, b.currency + ' ' + b.outstanding.replace(/^-/, '')),
        b.outstanding.startsWith('-') ? ' credit' : ' outstanding', ' (assessed ' + b.assessed + ', paid ' + b.paid + ')'))));
    const old = document.getElementById('country-' + code);
    if (old) { old.replaceWith(card); } else { countriesEl.append(card); }
  }

  function heldBadge(reason) {
    return el('span', {class: 'badge held', title: reason}, 'held');
  }

  // A parked event sends no live event, so the held list is also read every 10 s.
  function refreshHeld() {
    return api('/agreements?held=true&size=500').then(list => {
      held = new Map(list.map(a => [a.agreementId, a.heldReason]));
      heldListEl.replaceChildren(...list.map(a => el('li', {'data-agreement': a.agreementId},
        heldBadge(a.heldReason), ' ', el('strong', {}, a.title), ' (' + a.parties.join('–') + ', ' + a.agreementId + ')',
        el('div', {class: 'reason'}, a.heldReason))));
      heldEl.hidden = list.length === 0;
    }).catch(() => {});
  }

  let heldSoon = null;
  function refreshHeldSoon() {
    if (!heldSoon) { heldSoon = setTimeout(() => { heldSoon = null; refreshHeld(); }, 500); }
  }

  function refresh(code) {
    return api('/countries/' + code + '/commitments').then(view => render(code, view)).catch(() => {});
  }

  function addToFeed(event) {
    const data = JSON.parse(event.data);
    const item = el('li', {class: 'fresh', 'data-type': data.type},
      el('strong', {}, data.type), ' ', data.parties.join('–'),
      data.country ? ' by ' + data.country : '', el('br'), el('span', {class: 'when'}, data.occurredAt));
    feedEl.prepend(item);
    setTimeout(() => item.classList.remove('fresh'), 3000);
    while (feedEl.children.length > 200) { feedEl.lastChild.remove(); }
    data.parties.forEach(code => { countries.set(code, true); refresh(code); });
    refreshHeldSoon();
  }

  // Subscribe first, then read the current views: an event applied in between refreshes its countries again.
  const source = new EventSource('/live/events?access_token=' + encodeURIComponent(token));
  source.onopen = () => { connectionEl.textContent = 'live'; connectionEl.dataset.state = 'live'; };
  source.onerror = () => { connectionEl.textContent = 'reconnecting…'; connectionEl.dataset.state = 'connecting'; };
  ['AgreementOffered', 'OfferAmended', 'AgreementAccepted', 'AgreementEnteredIntoForce', 'AgreementRejected',
    'OfferWithdrawn', 'AgreementSuspended', 'AgreementResumed', 'AgreementTerminated', 'AgreementExpired',
    'TransferRecorded', 'TransferCompleted', 'TransferCancelled', 'TransferCorrected', 'FeeAssessed',
    'FeePaymentRecorded'].forEach(type => source.addEventListener(type, addToFeed));
  source.addEventListener('resync', () => location.reload());

  setInterval(refreshHeld, 10000);
  refreshHeld().then(() => api('/agreements?size=500')).then(list => {
    list.forEach(a => a.parties.forEach(code => countries.set(code, true)));
    return Promise.all([...countries.keys()].sort().map(refresh));
  }).catch(err => {
    connectionEl.textContent = String(err.message || err);
    connectionEl.dataset.state = 'error';
  });
})();
