// Maillon — small progressive enhancements. Every page works without this file.
// Choosing people in the activity form: without JavaScript the "Chercher" button sends
// the form and the page comes back with the matches; here the matches come as you type.
(function () {
  'use strict';
  var search = document.getElementById('q_personne');
  var list = document.querySelector('fieldset.picker');
  if (!search || !list) { return; }
  var grid = list.querySelector('.choices__grid');
  var legend = list.querySelector('legend');
  var status = list.querySelector('[role=status]');
  var done = document.querySelector('input[name=q_fait]');
  var name = list.getAttribute('data-name');
  var type = list.getAttribute('data-type');
  var timer = null;
  var asked = 0;

  function choice(id, label) {
    var wrap = document.createElement('label');
    wrap.className = 'choice';
    var input = document.createElement('input');
    input.type = type;
    input.name = name;
    input.value = id;
    wrap.appendChild(input);
    wrap.appendChild(document.createTextNode(' ' + label));
    return wrap;
  }

  // People already ticked stay; the others give way to the matches.
  function show(query, people) {
    var kept = {};
    Array.prototype.slice.call(grid.querySelectorAll('label.choice')).forEach(function (item) {
      var input = item.querySelector('input');
      if (input.checked) { kept[input.value] = true; } else { grid.removeChild(item); }
    });
    var added = 0;
    people.forEach(function (p) {
      if (!kept[p.id]) { grid.appendChild(choice(p.id, p.label)); added += 1; }
    });
    done.value = query;
    legend.textContent = query ? 'Personnes trouvées pour « ' + query + ' »' : 'Personnes vues récemment';
    status.textContent = query ? (added ? added + ' personne(s) trouvée(s).' : 'Personne ne correspond : vérifiez l\u2019orthographe, ou enregistrez une nouvelle personne.') : '';
  }

  function run() {
    var query = search.value.trim();
    var ticket = ++asked;
    fetch(search.getAttribute('data-source') + '?q=' + encodeURIComponent(query), { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (people) { if (ticket === asked) { show(query, people); } })
      .catch(function () { status.textContent = 'La recherche n\u2019a pas abouti : utilisez le bouton « Chercher ».'; });
  }

  search.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(run, 200);
  });
  // Enter in the search field searches, it does not send the form.
  search.addEventListener('keydown', function (e) {
    if (e.key === 'Enter') { e.preventDefault(); clearTimeout(timer); run(); }
  });
  // Choosing someone means "already registered".
  grid.addEventListener('change', function () {
    var existing = document.querySelector('input[name=person][value=existant]');
    if (existing && type === 'radio') { existing.checked = true; }
  });
})();

// Segment editor: the count follows the criteria as they change ("Compter" does it
// without JavaScript).
(function () {
  'use strict';
  var form = document.querySelector('form[data-segment-count]');
  if (!form) { return; }
  var count = form.querySelector('[data-count]');
  var described = form.querySelector('[data-described]');
  var asked = 0;
  var timer;
  function run() {
    var params = new URLSearchParams(new FormData(form));
    params.delete('nom');
    var ticket = ++asked;
    fetch(form.getAttribute('data-segment-count') + '?' + params.toString(), { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        if (ticket !== asked) { return; }
        count.textContent = data.count + ' personne(s)';
        var empty = form.querySelector('[data-empty]');
        if (empty) { empty.remove(); }
        described.textContent = data.described + (data.count === 0 ? ' — ce segment ne touche personne.' : '');
      })
      .catch(function () { described.textContent = 'Le comptage n\u2019a pas abouti : utilisez le bouton « Compter ».'; });
  }
  form.addEventListener('input', function (e) {
    if (e.target.name === 'nom') { return; }
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  form.addEventListener('change', function (e) {
    if (e.target.name !== 'nom') { run(); }
  });
})();
