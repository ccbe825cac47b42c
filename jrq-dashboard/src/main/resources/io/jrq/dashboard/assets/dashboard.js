// jrq dashboard: applies pushed updates to the page and wires its few controls.
// Every value is written with textContent or as an attribute value, never as markup, so data
// from Redis cannot add elements or run script (the Content-Security-Policy forbids inline script
// as a second line of defence).
(function () {
  'use strict';

  function count(n) { return n == null ? '' : Number(n).toLocaleString('en-US'); }

  function rate(r) {
    if (!r) { return '0'; }
    return r < 10 ? r.toFixed(2) : Math.round(r).toLocaleString('en-US');
  }

  function age(ms) {
    if (ms == null) { return ''; }
    if (ms < 1000) { return ms + ' ms'; }
    var s = Math.floor(ms / 1000);
    if (s < 60) { return s + 's'; }
    if (s < 3600) { return Math.floor(s / 60) + 'm ' + (s % 60) + 's'; }
    if (s < 86400) { return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm'; }
    return Math.floor(s / 86400) + 'd ' + Math.floor((s % 86400) / 3600) + 'h';
  }

  function time(iso) {
    if (!iso) { return ''; }
    return new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  }

  function get(obj, path) {
    return path.split('.').reduce(function (o, k) { return o == null ? undefined : o[k]; }, obj);
  }

  var SVG = 'http://www.w3.org/2000/svg';

  function chart(history) {
    var svg = document.getElementById('chart');
    if (!svg || !history) { return; }
    var max = 1;
    history.forEach(function (m) { max = Math.max(max, m.finished, m.failed); });
    var n = Math.max(1, history.length - 1);
    ['finished', 'failed'].forEach(function (kind) {
      var line = svg.querySelector('polyline.' + kind);
      if (!line) { line = document.createElementNS(SVG, 'polyline'); line.setAttribute('class', kind); svg.appendChild(line); }
      line.setAttribute('points', history.map(function (m, i) {
        return Math.round(i * 600 / n) + ',' + Math.round(115 - m[kind] * 110 / max);
      }).join(' '));
    });
    var peak = document.querySelector('[data-o="peak"]');
    if (peak) { peak.textContent = 'peak ' + count(max) + '/min'; }
  }

  function overview(data) {
    var byName = new Map();
    data.queues.forEach(function (q) { byName.set(q.name, q); });
    document.querySelectorAll('[data-q]').forEach(function (el) {
      var q = byName.get(el.getAttribute('data-q'));
      if (!q) { return; }
      var f = el.getAttribute('data-f');
      var v = get(q, f);
      if (f === 'paused' || f === 'noWorker') { el.classList.toggle('hidden', !v); }
      else if (f === 'oldestQueuedAgeMs') { el.textContent = age(v); }
      else if (/PerSecond$/.test(f)) { el.textContent = rate(v); }
      else { el.textContent = count(v); }
    });
    document.querySelectorAll('[data-o]').forEach(function (el) {
      var f = el.getAttribute('data-o');
      if (f !== 'peak' && data[f] != null) { el.textContent = count(data[f]); }
    });
    chart(data.history);
  }

  function job(data) {
    document.querySelectorAll('[data-j]').forEach(function (el) {
      var f = el.getAttribute('data-j');
      if (data.gone) { if (f === 'status') { el.textContent = 'deleted'; } return; }
      var p = data.progress;
      if (f === 'status') { el.textContent = data.status; el.className = 'status ' + data.status; }
      else if (f === 'progress.percent') { el.value = p ? p.percent : 0; }
      else if (f === 'progress.label') { el.textContent = p ? p.percent + '%' : ''; }
      else if (f === 'progress.message') { el.textContent = p ? p.message : ''; }
      else if (f === 'result') { el.textContent = JSON.stringify(data.result, null, 2); }
      else if (/At$/.test(f)) { el.textContent = time(data[f]); }
      else if (data[f] != null) { el.textContent = String(data[f]); }
    });
  }

  function live() {
    var url = document.body.getAttribute('data-live');
    if (!url || !window.EventSource) { return; }
    var status = document.querySelector('[data-live-status]');
    // an update read before the page was rendered is older than what the page shows
    var renderedAt = Number(document.body.getAttribute('data-rendered-at')) || 0;
    var source = new EventSource(url);
    source.onopen = function () { if (status) { status.textContent = 'live'; status.className = 'live-status on'; } };
    source.onerror = function () { if (status) { status.textContent = 'reconnecting…'; status.className = 'live-status off'; } };
    source.onmessage = function (e) {
      var data;
      try { data = JSON.parse(e.data); } catch (err) { return; }
      if (data.unavailable) {
        if (status) { status.textContent = data.unavailable; status.className = 'live-status off'; }
        return;
      }
      if (data.readAtMs != null && data.readAtMs < renderedAt) { return; }
      if (status) { status.textContent = 'live · ' + new Date().toISOString().substring(11, 19) + ' UTC'; status.className = 'live-status on'; }
      if (data.queues) { overview(data); } else { job(data); }
    };
  }

  function controls() {
    document.querySelectorAll('form[data-confirm]').forEach(function (form) {
      form.addEventListener('submit', function (e) {
        if (!window.confirm(form.getAttribute('data-confirm'))) { e.preventDefault(); }
      });
    });
    document.querySelectorAll('[data-select-all]').forEach(function (box) {
      box.addEventListener('change', function () {
        var form = box.closest('form');
        form.querySelectorAll('input[type="checkbox"][name="ids"]').forEach(function (c) { c.checked = box.checked; });
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () { controls(); live(); });
}());
