// Maillon — small progressive enhancements. Every page works without this file.
// Lists of people get a "search as you type" box: typing narrows the list, ignoring
// case and accents. The box is created here, so it never appears without JavaScript.
(function () {
  'use strict';
  function key(text) {
    return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  }
  function addFilter(target, items, id) {
    var label = document.createElement('label');
    label.setAttribute('for', id);
    label.textContent = 'Chercher une personne (tapez une partie du nom)';
    var input = document.createElement('input');
    input.type = 'search';
    input.id = id;
    input.autocomplete = 'off';
    var status = document.createElement('p');
    status.className = 'hint';
    status.setAttribute('role', 'status');
    var box = document.createElement('div');
    box.className = 'field';
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(status);
    target.parentNode.insertBefore(box, target);
    input.addEventListener('input', function () {
      var words = key(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      items().forEach(function (item) {
        var text = key(item.textContent);
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        var keep = match || (item.selected === true) || (item.querySelector && item.querySelector('input:checked'));
        item.hidden = !keep;
        if (keep) { shown += 1; }
      });
      status.textContent = words.length ? shown + ' personne(s) correspondent.' : '';
    });
  }
  var select = document.getElementById('beneficiary_id');
  if (select) {
    addFilter(select, function () { return Array.prototype.slice.call(select.options, 1); }, 'filtre-personne');
  }
  var participants = document.querySelector('#participants .choices__grid');
  if (participants) {
    addFilter(participants, function () { return Array.prototype.slice.call(participants.querySelectorAll('label.choice')); }, 'filtre-participants');
  }
})();
