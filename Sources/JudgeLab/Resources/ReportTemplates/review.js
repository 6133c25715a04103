(function () {
  var items = JSON.parse(document.getElementById('items').textContent);
  var key = 'judgelab-review:' + document.body.getAttribute('data-run');
  var state;
  try { state = JSON.parse(localStorage.getItem(key) || '{}'); } catch (e) { state = {}; }
  state.labels = state.labels || {};
  state.index = Math.min(state.index || 0, items.length - 1);
  var $ = function (id) { return document.getElementById(id); };
  function save() { localStorage.setItem(key, JSON.stringify(state)); }
  function done() { return items.filter(function (item) { return state.labels[item.id] && state.labels[item.id].verdict; }).length; }
  function show() {
    var item = items[state.index];
    var label = state.labels[item.id] || {};
    $('position').textContent = 'Item ' + (state.index + 1) + ' of ' + items.length + ' (' + item.id + ', ' + item.reason + ')';
    $('progress').textContent = done() + ' of ' + items.length + ' labelled';
    $('bar').value = done();
    $('question').textContent = item.question;
    $('answer-a').textContent = item.a;
    $('answer-b').textContent = item.b;
    $('note').value = label.note || '';
    var shown = { '1': 'A is better', '2': 'B is better', 'tie': 'a tie' };
    var side = label.verdict ? (label.verdict === 'tie' ? 'tie' : ((label.verdict === '1') !== item.flipped ? '1' : '2')) : null;
    $('current').textContent = side ? 'Your label: ' + shown[side] : 'Not labelled yet';
  }
  function label(side) {
    var item = items[state.index];
    var verdict = side === 'tie' ? 'tie' : ((side === '1') !== item.flipped ? '1' : '2');
    state.labels[item.id] = { verdict: verdict, note: $('note').value };
    if (state.index < items.length - 1) { state.index += 1; }
    save();
    show();
  }
  document.addEventListener('keydown', function (event) {
    if (event.target === $('note')) { return; }
    if (event.key === '1') { label('1'); }
    else if (event.key === '2') { label('2'); }
    else if (event.key === 't') { label('tie'); }
    else if (event.key === 'ArrowRight' || event.key === 'n') { state.index = Math.min(state.index + 1, items.length - 1); save(); show(); }
    else if (event.key === 'ArrowLeft' || event.key === 'p') { state.index = Math.max(state.index - 1, 0); save(); show(); }
    else { return; }
    event.preventDefault();
  });
  $('note').addEventListener('input', function () {
    var item = items[state.index];
    var entry = state.labels[item.id] || {};
    entry.note = $('note').value;
    state.labels[item.id] = entry;
    save();
  });
  $('export-button').addEventListener('click', function () {
    var lines = items.filter(function (item) { return state.labels[item.id] && state.labels[item.id].verdict; }).map(function (item) {
      var entry = state.labels[item.id];
      return JSON.stringify({ id: item.id, winner: entry.verdict, note: entry.note || '', reason: item.reason });
    });
    var text = lines.length ? lines.join('\n') + '\n' : '';
    $('export').value = text;
    $('download').href = 'data:application/x-ndjson;charset=utf-8,' + encodeURIComponent(text);
    $('download').hidden = false;
  });
  show();
})();
