// Main user journeys of Maillon in a real browser (Debian's Chromium, headless), with
// axe-core checking every page for accessibility violations (WCAG 2.1 A/AA + best
// practices). Starts `maillon demo` itself; MAILLON_BIN names the binary.
//
// Usage: MAILLON_BIN=../target/debug/maillon node run.mjs
// Writes screenshots and the places export into out/.

import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const BIN = resolve(process.env.MAILLON_BIN || '../target/debug/maillon');
const PORT = process.env.MAILLON_BROWSER_PORT || '8391';
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = 'maillon-demo-2026';
const OUT = new URL('./out/', import.meta.url).pathname;
mkdirSync(OUT, { recursive: true });

let passed = 0;
let failed = 0;
const problems = [];

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function axeCheck(page, label) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }),
  );
  const violations = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`,
  );
  check(violations.length === 0, `axe on ${label}:\n    ${violations.join('\n    ')}`);
}

async function step(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed += 1;
    problems.push(`${name}: ${e.message}`);
    console.log(`FAIL ${name}\n     ${e.message}`);
  }
}

async function waitForServer() {
  for (let i = 0; i < 300; i += 1) {
    try {
      const r = await fetch(`${BASE}/healthz`);
      if (r.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('maillon demo did not start');
}

async function signIn(page, email) {
  await page.context().clearCookies();
  await page.goto(`${BASE}/connexion`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/connexion')), page.click('main button[type=submit]')]);
}

const dir = mkdtempSync(join(tmpdir(), 'maillon-browser-'));
const server = spawn(BIN, ['demo'], {
  cwd: dir,
  env: { ...process.env, MAILLON_ADDR: `127.0.0.1:${PORT}`, MAILLON_LOG: 'warn' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

try {
  await waitForServer();
  // axe is injected into the page; the app's CSP forbids inline scripts, rightly.
  const context = await browser.newContext({ bypassCSP: true, locale: 'fr-FR' });
  const page = await context.newPage();

  await step('public home page', async () => {
    await page.goto(`${BASE}/`);
    check((await page.textContent('h1')).includes('Fédération des centres sociaux'), 'network name in the heading');
    await axeCheck(page, 'home');
    await page.screenshot({ path: `${OUT}home.png`, fullPage: true });
  });

  await step('public list of places, usable at 320 px', async () => {
    await page.setViewportSize({ width: 320, height: 800 });
    await page.goto(`${BASE}/lieux`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 320, `page is ${width}px wide at 320px`);
    await axeCheck(page, 'public list');
    await page.screenshot({ path: `${OUT}lieux-320.png`, fullPage: true });
    await page.selectOption('#commune', 'Roanne');
    await page.click('form.filters button');
    check((await page.locator('.place-list > li').count()) === 1, 'filter by commune keeps one place');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await step('public place page', async () => {
    await page.goto(`${BASE}/lieux`);
    await page.click('text=Espace numérique du centre social Jean Ferrat');
    check((await page.textContent('.hours')).includes('Du lundi au vendredi'), 'hours in French');
    await axeCheck(page, 'public place');
    await page.setViewportSize({ width: 320, height: 800 });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 320, `place page is ${width}px wide at 320px`);
    await page.screenshot({ path: `${OUT}lieu-320.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await step('sign-in page, wrong password, then signed in with the keyboard', async () => {
    await page.goto(`${BASE}/connexion`);
    await axeCheck(page, 'sign-in');
    await page.fill('#email', 'direction@jeanferrat.test');
    await page.fill('#password', 'pas le bon');
    await page.click('button[type=submit]');
    check((await page.textContent('.error-summary')).includes('Adresse e-mail ou mot de passe incorrect'), 'error shown');
    check((await page.inputValue('#email')) === 'direction@jeanferrat.test', 'e-mail kept');
    await axeCheck(page, 'sign-in with error');
    await page.focus('#password');
    await page.keyboard.type(PASSWORD);
    await Promise.all([page.waitForURL(/\/structures\//), page.keyboard.press('Enter')]);
    check((await page.textContent('h1')).includes('Centre social Jean Ferrat'), 'lands on the structure');
    await axeCheck(page, 'structure page');
    await page.screenshot({ path: `${OUT}structure.png`, fullPage: true });
  });

  await step('skip link reaches the content', async () => {
    await page.keyboard.press('Tab');
    check((await page.evaluate(() => document.activeElement.textContent)).includes('Aller au contenu'), 'first tab stop is the skip link');
  });

  await step('place editing: an error keeps what was typed, then saves', async () => {
    await page.click('text=Espace numérique du centre social Jean Ferrat');
    await axeCheck(page, 'place form');
    await page.fill('#code_postal', '42');
    await page.fill('#horaires', 'lundi 9h-12h');
    await page.click('form.place-form button[type=submit]');
    const summary = await page.textContent('.error-summary');
    check(summary.includes('2 informations sont à corriger'), `summary: ${summary}`);
    check((await page.inputValue('#code_postal')) === '42', 'typed postal code kept');
    check((await page.getAttribute('#code_postal', 'aria-invalid')) === 'true', 'field marked invalid');
    await axeCheck(page, 'place form with errors');
    await page.screenshot({ path: `${OUT}lieu-erreurs.png`, fullPage: true });
    await page.fill('#code_postal', '42000');
    await page.fill('#horaires', 'Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; PH off');
    await page.check('input[name=formations_labels][value="Étapes numériques(La Poste)"]');
    await page.click('form.place-form button[type=submit]');
    check((await page.textContent('.flash')).includes('Modifications enregistrées'), 'saved');
    check(await page.isChecked('input[name=formations_labels][value="Étapes numériques(La Poste)"]'), 'label kept');
  });

  await step('record an accompaniment with the keyboard, errors first', async () => {
    await signIn(page, 'karim@jeanferrat.test');
    await page.goto(`${BASE}/tableau-de-bord`);
    await page.click('text=Centre social Jean Ferrat');
    await page.click('nav >> text=Activités');
    await axeCheck(page, 'activity list');
    await page.click('main >> text=Accompagnement individuel');
    await axeCheck(page, 'activity form');
    // Forgetting the theme and giving a future date: both said, nothing lost.
    await page.fill('#date', '2999-01-01');
    await page.click('summary:has-text("démarches administratives")');
    await page.fill('#procedure_name', 'Renouvellement de carte vitale');
    await page.click('#enregistrer');
    const summary = await page.textContent('.error-summary');
    check(summary.includes('La date est dans le futur') && summary.includes('au moins une thématique'), summary);
    check((await page.inputValue('#procedure_name')) === 'Renouvellement de carte vitale', 'typed text kept');
    await axeCheck(page, 'activity form with errors');
    await page.screenshot({ path: `${OUT}activite-erreurs.png`, fullPage: true });
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
    await page.fill('#date', today);
    await page.check('input[name=themes][value=demarches_administratives]');
    await page.check('input[name=admin_themes][value=social_sante]');
    await page.focus('#enregistrer');
    await Promise.all([page.waitForURL(/activites\?info=/), page.keyboard.press('Enter')]);
    check((await page.textContent('.flash')).includes("L'activité a été enregistrée"), 'saved');
    await page.screenshot({ path: `${OUT}activites.png`, fullPage: true });
  });

  await step('keyboard only: an accompaniment with a known person, keys counted', async () => {
    // From the list of activities, with the keyboard alone: Tab, Space, arrows, typing.
    let keys = 0;
    const press = async (key) => { keys += 1; await page.keyboard.press(key); };
    const tabTo = async (selector) => {
      for (let i = 0; i < 200; i += 1) {
        if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) { return; }
        await press('Tab');
      }
      throw new Error(`never reached ${selector}`);
    };
    const started = Date.now();
    await tabTo('a.skip-link');
    await press('Enter');
    await tabTo('main a[href$="nouvelle?type=individuel"]');
    await Promise.all([page.waitForURL(/nouvelle/), press('Enter')]);
    await tabTo('a.skip-link');
    await press('Enter');
    // Date, duration and place are already today's, the last ones used.
    await tabTo('input[name=person][value=anonyme]');
    await press('ArrowRight'); // Déjà enregistrée
    await tabTo('#q_personne');
    for (const c of 'josette') { await press(c); }
    await page.waitForSelector('fieldset.picker legend:has-text("josette")');
    await tabTo('fieldset.picker input[type=radio]');
    await press('Space');
    await tabTo('input[name=themes][value=email]');
    await press('Space');
    // Enter on a tick box sends the form, as from a text field.
    await Promise.all([page.waitForNavigation(), press('Enter')]);
    const problems = await page.locator('.error-summary').count() ? await page.textContent('.error-summary') : '';
    check(problems === '', `saved by keyboard, not: ${problems}`);
    check((await page.textContent('.flash')).includes("L'activité a été enregistrée"), 'saved by keyboard');
    check((await page.textContent('main table')).includes('Josette Martin'), 'with Josette');
    console.log(`    ${keys} keys (${Date.now() - started} ms for the browser)`);
    // At a steady 3 keys a second, 50 keys (typing the name included) is under 17 seconds.
    check(keys <= 50, `${keys} keys to record an accompaniment by keyboard`);
  });

  await step('record a workshop and read a beneficiary', async () => {
    await page.click('main >> text=Atelier collectif');
    await page.fill('#title', 'Découvrir les visioconférences');
    // Search as you type (progressive enhancement): matches come from the server, accents ignored.
    await page.fill('#q_personne', 'jose');
    await page.waitForSelector('fieldset.picker label.choice:has-text("Martin Josette")');
    await page.check('fieldset.picker label.choice:has-text("Martin Josette") input');
    await page.fill('#q_personne', 'dupont');
    await page.waitForSelector('fieldset.picker legend:has-text("dupont")');
    check(await page.isChecked('fieldset.picker label.choice:has-text("Martin Josette") input'), 'a ticked person stays');
    await page.check('input[name=themes][value=prise_en_main]');
    await page.fill('#anon_count', '3');
    await page.click('#enregistrer');
    check((await page.textContent('.flash')).includes("L'activité a été enregistrée"), 'workshop saved');
    await page.click('nav >> text=Bénéficiaires');
    await axeCheck(page, 'beneficiaries');
    await page.fill('#q', 'josette');
    await page.click('form.filters button');
    await page.click('main table >> text=Martin Josette');
    check((await page.textContent('main')).includes('Historique'), 'history shown');
    await axeCheck(page, 'beneficiary');
    await page.goto(page.url().replace(/beneficiaires\/.*$/, 'beneficiaires/doublons'));
    await axeCheck(page, 'duplicates');
    await page.goto(page.url().replace(/doublons$/, 'import'));
    await page.setInputFiles('#file', { name: 'liste.csv', mimeType: 'text/csv', buffer: Buffer.from('Prénom;Nom;Année de naissance\nLéa;Morel;1990\nTom;Durand;20x0\n') });
    await page.click('main form[enctype] button');
    check((await page.textContent('.error-summary')).includes('1 ligne(s) à corriger'), 'import preview says which line');
    await axeCheck(page, 'import preview');
  });

  await step('statistics: filters, charts with tables, print version, phone width', async () => {
    await page.click('nav >> text=Statistiques');
    check((await page.textContent('.key-figures')).includes('accompagnements'), 'key figures');
    check((await page.locator('table.numbers').count()) > 5, 'every chart has its table');
    await axeCheck(page, 'statistics');
    await page.selectOption('#type', 'collectif');
    await page.click('form.filters button');
    check((await page.textContent('.lead')).includes('avec des filtres'), 'filter applied');
    await page.setViewportSize({ width: 320, height: 800 });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 320, `statistics page is ${width}px wide at 320px`);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.click('text=Version à imprimer');
    await axeCheck(page, 'statistics print version');
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: `${OUT}statistiques.pdf`, format: 'A4' });
    await page.emulateMedia({ media: 'screen' });
    await page.click('nav >> text=Se déconnecter');
  });

  await step('team and account pages, journal and erasure confirmation', async () => {
    await signIn(page, 'direction@jeanferrat.test');
    await page.goto(`${BASE}/tableau-de-bord`);
    await page.click('nav >> text=Journal');
    check((await page.textContent('main')).includes('a consulté la fiche'), 'views are in the journal');
    await axeCheck(page, 'journal');
    await page.click('nav >> text=Bénéficiaires');
    await axeCheck(page, 'beneficiaries with selection');
    await page.check('input[name=ids] >> nth=0');
    await page.click('text=Effacer les personnes cochées');
    await axeCheck(page, 'erasure confirmation');
    await page.click('text=Annuler');
    await page.click('nav >> text=Équipe');
    check((await page.textContent('main')).includes('lea.morel@jeanferrat.test'), 'pending invitation listed');
    check((await page.textContent('main')).includes('samir.haddad@jeanferrat.test'), "the coordination's request waits for the admin");
    await axeCheck(page, 'team');
    await page.click('nav >> text=Mon compte');
    await axeCheck(page, 'account');
    await page.click('nav >> text=Se déconnecter');
    check((await page.textContent('.flash')).includes('Déconnexion effectuée'), 'signed out');
  });

  await step('workshops: programme at 320 px, sign-up without an account, waiting list, desk', async () => {
    await page.context().clearCookies();
    await page.setViewportSize({ width: 320, height: 800 });
    await page.goto(`${BASE}/ateliers?public=seniors`);
    check((await page.textContent('main')).includes('Premiers pas sur la tablette'), 'programme filtered for seniors');
    await axeCheck(page, 'programme');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${BASE}/ateliers`);
    await page.click('main a:has-text("Premiers pas sur la tablette") >> nth=1');
    check((await page.textContent('main')).includes('Cycle de 5 séances'), 'a cycle shows all its dates');
    check((await page.textContent('h2#inscription')).includes('au cycle'), 'signing up is for the cycle');
    await axeCheck(page, 'cycle page');
    await page.goto(`${BASE}/ateliers`);
    await page.click('main a:has-text("Démarches en ligne")');
    check((await page.textContent('main')).includes('Complet'), 'the full session says so');
    await page.fill('#name', 'Odile Perret');
    await page.fill('#phone', '12');
    await page.click('main form button[type=submit]');
    check((await page.textContent('.error-summary')).includes("n'est pas un numéro de téléphone valide"), 'bad phone said');
    check((await page.inputValue('#name')) === 'Odile Perret', 'typed name kept');
    await axeCheck(page, 'sign-up form with errors');
    await page.fill('#phone', '06 98 76 54 32');
    await Promise.all([page.waitForURL(/inscription\//), page.click('main form button[type=submit]')]);
    check((await page.textContent('main')).includes("n° 3 sur la liste d'attente"), 'third on the waiting list');
    await axeCheck(page, 'registration page');
    await page.click('main form button:has-text("Annuler mon inscription")');
    check((await page.textContent('.flash')).includes('Votre inscription est annulée'), 'cancelled by the link');
    await signIn(page, 'karim@jeanferrat.test');
    await page.goto(`${BASE}/tableau-de-bord`);
    await page.click('text=Centre social Jean Ferrat');
    await page.click('nav >> text=Ateliers');
    await axeCheck(page, 'staff workshops');
    await page.click('main table a >> nth=0');
    await page.fill('#name', 'Mme Garnier');
    await page.click('main form[action$="/inscrire"] button');
    check((await page.textContent('.flash')).includes('inscrite'), 'registered at the desk');
    await axeCheck(page, 'staff session');
    // Calling the session off: the form, then everyone told.
    await page.click('main a:has-text("Annuler la séance")');
    await axeCheck(page, 'cancel a session');
    await page.fill('#reason', 'animateur malade');
    await page.click('main button[type=submit]');
    check((await page.textContent('.flash')).includes('La séance est annulée'), 'session called off');
    await page.click('nav >> text=Ateliers');
    const staffList = page.url();
    await page.click('main a:has-text("Semaine du numérique")');
    check((await page.textContent('main h1')).includes('Semaine du numérique'), 'programme page');
    await axeCheck(page, 'programme page');
    await page.click('main a:has-text("Affiche à imprimer")');
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: `${OUT}affiche.png`, fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    await page.goto(staffList);
    await page.click('main a:has-text("Nouvel atelier")');
    await axeCheck(page, 'new workshop form');
  });

  await step('structure admin: settings for SMS and freed seats, SMS log', async () => {
    // A structure admin lands on the structure's page.
    await signIn(page, 'direction@jeanferrat.test');
    await page.click('main a:has-text("SMS envoyés")');
    check((await page.textContent('main h1')).includes('SMS envoyés'), 'SMS log');
    await axeCheck(page, 'SMS log');
    await page.goBack();
    await page.click('main a:has-text("E-mails envoyés")');
    check((await page.textContent('main')).includes('Les liens personnels'), "the structure's outbox says links are masked");
    await axeCheck(page, 'structure outbox');
    await page.goBack();
    await page.click('main a:has-text("Modifier la structure")');
    await axeCheck(page, 'structure settings');
  });

  await step('resources: list, make one block by block with an image, adapt, print', async () => {
    await page.context().clearCookies();
    await page.goto(`${BASE}/ressources`);
    check((await page.textContent('main')).includes('Repérer une arnaque par SMS'), 'public resources listed');
    await axeCheck(page, 'resource list');
    await page.click('main a:has-text("Repérer une arnaque par SMS — version jeunes")');
    check((await page.textContent('main')).includes('Adaptée de'), 'attribution shown');
    await axeCheck(page, 'resource page');
    await page.emulateMedia({ media: 'print' });
    check(!(await page.isVisible('.no-print')), 'editing tools not printed');
    await page.emulateMedia({ media: 'screen' });
    await page.goto(`${BASE}/ressources?q=tablette`);
    await page.click('main a:has-text("Premiers pas sur la tablette")');
    check(await page.isVisible('img.cover'), 'cover image shown');
    check((await page.textContent('main')).includes('(PDF,'), 'printable sheet offered');
    await axeCheck(page, 'resource with cover and file');
    await signIn(page, 'karim@jeanferrat.test');
    await page.goto(`${BASE}/ressources`);
    await page.click('main a:has-text("Importer une archive (Centre social Jean Ferrat)")');
    await page.setInputFiles('#archive', { name: 'ressource.zip', mimeType: 'application/zip', buffer: Buffer.from('pas une archive') });
    await page.click('main form button[type=submit]');
    check((await page.textContent('main')).includes("n'est pas une archive de ressource Maillon"), 'damaged archive refused');
    await axeCheck(page, 'import archive with error');
    await page.goto(`${BASE}/ressources`);
    await page.click('main a:has-text("Nouvelle ressource (Centre social Jean Ferrat)")');
    await page.fill('#title', 'Faire une capture d\'écran');
    await page.click('main form button[type=submit]');
    check((await page.textContent('.error-summary')).includes('Choisissez au moins une thématique'), 'missing theme said');
    check((await page.inputValue('#title')) === "Faire une capture d'écran", 'typed title kept');
    await axeCheck(page, 'resource form with errors');
    await page.check('input[name=themes][value=maitrise_outils]');
    await page.check('input[name=licence][value="cc-by-sa-4.0"]');
    await Promise.all([page.waitForURL(/ressources\/[^/]+\?info/), page.click('main form button[type=submit]')]);
    await page.selectOption('#type', 'texte');
    await page.click('main button:has-text("Ajouter un bloc")');
    await axeCheck(page, 'text block form');
    await page.fill('#body', '- Appuyer **en même temps** sur marche et volume bas');
    await page.click('main form button[type=submit]');
    check((await page.innerHTML('main')).includes('<strong>en même temps</strong>'), 'formatted text shown');
    await axeCheck(page, 'resource being made');
    // An image block: the alternative text is asked for, then the image is shown.
    const png = { name: 'capture.png', mimeType: 'image/png', buffer: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64') };
    await page.selectOption('#type', 'image');
    await page.click('main button:has-text("Ajouter un bloc")');
    await page.setInputFiles('#file', png);
    await page.click('main form button[type=submit]');
    check((await page.textContent('.error-summary')).includes("Décrivez l'image"), 'missing alternative text said');
    await axeCheck(page, 'image block form with errors');
    await page.setInputFiles('#file', png);
    await page.fill('#alt', 'Les deux boutons du téléphone');
    await page.click('main form button[type=submit]');
    const src = await page.getAttribute('figure img[alt="Les deux boutons du téléphone"]', 'src');
    const image = await page.request.get(`${BASE}${src}`);
    check(image.status() === 200 && image.headers()['content-type'] === 'image/png', 'uploaded image served');
    await axeCheck(page, 'resource with an image');
    await page.goto(`${BASE}/ressources?theme=risques_cyber`);
    await page.click('main a:has-text("Mots de passe : la phrase secrète")');
    await page.click('main a:has-text("Adapter pour mon public")');
    await axeCheck(page, 'adapt page');
    await page.click('main button:has-text("Faire ma version")');
    check((await page.textContent('main')).includes('(adaptation)'), 'own version made');
    await page.click('main button:has-text("Ajouter à mes favoris")');
    await page.goto(`${BASE}/collections`);
    await page.click('main a:has-text("Mes favoris")');
    check((await page.textContent('main')).includes('(adaptation)'), 'favourite kept in a collection');
    await axeCheck(page, 'collection');
    await page.goto(`${BASE}/ressources?q=carte grise`);
    await page.click('main a:has-text("Carte grise en ligne")');
    check(!(await page.textContent('main')).includes('Adapter pour mon public'), 'no licence, no adaptation');
    await page.click('main a:has-text("Donner mon avis")');
    await page.click('main button[type=submit]');
    check((await page.textContent('.error-summary')).includes('Choisissez une réponse'), 'missing answer said');
    await axeCheck(page, 'review form with errors');
    await page.check('input[name=rating][value="4"]');
    await page.click('main button[type=submit]');
    check((await page.textContent('main')).includes('Recommandée : Beaucoup'), 'badge shown');
    await page.click('main a:has-text("Signaler un problème")');
    await axeCheck(page, 'report form');
    await page.check('input[name=reason][value=obsolete]');
    await page.fill('#comment', 'Le site a changé d\'adresse.');
    await page.click('main button[type=submit]');
    await signIn(page, 'coordination@federation.test');
    await page.goto(`${BASE}/reseau/signalements`);
    check((await page.textContent('main')).includes('Le contenu est obsolète'), 'report listed for the network');
    await axeCheck(page, 'reports');
  });

  await step('forgotten password page', async () => {
    await page.goto(`${BASE}/mot-de-passe-oublie`);
    await axeCheck(page, 'forgotten password');
    await page.fill('#email', 'pas une adresse');
    await page.click('main button[type=submit]');
    await axeCheck(page, 'forgotten password with error');
  });

  await step('network admin: network, import, outbox', async () => {
    await signIn(page, 'coordination@federation.test');
    await page.goto(`${BASE}/reseau`);
    await axeCheck(page, 'network');
    await page.goto(`${BASE}/reseau/statistiques`);
    check((await page.textContent('main')).includes('Par structure'), 'structures side by side');
    await axeCheck(page, 'network statistics');
    await page.goto(`${BASE}/reseau/import`);
    await axeCheck(page, 'import');
    await page.goto(`${BASE}/reseau/boite-d-envoi`);
    check((await page.textContent('main')).includes('lea.morel@jeanferrat.test'), 'invitation in the outbox');
    await axeCheck(page, 'outbox');
    await page.click('text=Invitation à rejoindre');
    await axeCheck(page, 'outbox message');
    await page.goto(`${BASE}/reseau/structures/nouvelle`);
    await page.click('main button[type=submit]');
    await axeCheck(page, 'new structure with errors');
  });

  await step('member file: the desk files a person, a segment counts as it is built', async () => {
    await signIn(page, 'accueil@jeanferrat.test');
    await page.click('nav >> text=Adhérents');
    await axeCheck(page, 'member list');
    check(!(await page.isVisible('nav >> text=Activités')), 'the desk has no activity log');
    await page.click('main >> text=Nouvelle personne');
    await page.fill('#first_name', 'Rose');
    await page.fill('#last_name', 'Lacroix');
    await page.fill('#address', '4 rue des Lilas');
    await page.click('main form[action$="nouveau"] button[type=submit]');
    check((await page.textContent('#postcode-error')).includes('code postal'), 'an address needs its postcode');
    check((await page.inputValue('#last_name')) === 'Lacroix', 'what was typed stays');
    await axeCheck(page, 'member form with errors');
    await page.fill('#postcode', '42000');
    await page.fill('#commune', 'Saint-Étienne');
    await page.click('main form[action$="nouveau"] button[type=submit]');
    check((await page.textContent('.flash')).includes('Modifications enregistrées'), 'member saved');
    await axeCheck(page, 'member page');
    await page.screenshot({ path: `${OUT}adherent.png`, fullPage: true });
    await page.goto(page.url().replace(/adherents\/.*$/, 'segments/nouveau'));
    const before = await page.textContent('[data-count]');
    await page.selectOption('#adhesion', 'adherent');
    await page.fill('#age_min', '65');
    // The script asks the count again after each change (the age after a short pause).
    await page.waitForFunction(() => document.querySelector('[data-described]').textContent.includes('65 ans et plus'), null, { timeout: 5000 }).catch(() => {});
    check((await page.textContent('[data-described]')).includes('65 ans et plus'), 'the count follows the criteria without a click');
    check((await page.textContent('[data-count]')) !== before, 'the count changed');
    await axeCheck(page, 'segment editor');
    await page.fill('#nom', 'Seniors adhérents');
    await page.click('main button[formmethod=post]');
    check((await page.textContent('.flash')).includes('Le segment est enregistré'), 'segment saved');
    await axeCheck(page, 'segments');
  });

  await step('messages: who gets what before sending, tracking, letters for window envelopes', async () => {
    await page.click('nav >> text=Adhérents');
    await page.click('main >> a.button >> text=Messages');
    await axeCheck(page, 'messages');
    await page.click('main >> text=Smartphone : premiers pas');
    check((await page.textContent('main')).includes('Qui le recevra, et comment'), 'the draft shows its recipients');
    check((await page.textContent('main')).includes('STOP SMS'), 'the SMS preview has its STOP line');
    await axeCheck(page, 'message draft');
    await page.click('main >> text=Tous les messages');
    await page.click('main >> text=Fête de quartier');
    check((await page.textContent('main')).includes("Suivi par moyen d'envoi"), 'the sent message shows its tracking');
    await axeCheck(page, 'message tracking');
    await page.click('main >> text=Imprimer les');
    const mm = 96 / 25.4;
    const letter = await page.locator('article.letter').first().boundingBox();
    const address = await page.locator('.letter-address').first().boundingBox();
    check(Math.abs(address.x - letter.x - 110 * mm) < 2 && Math.abs(address.y - letter.y - 50 * mm) < 2, 'the address sits where the window of a DL envelope is');
    await page.emulateMedia({ media: 'print' });
    const heights = await page.$$eval('article.letter', (all) => all.map((a) => a.getBoundingClientRect().height));
    check(heights.every((h) => h < 297 * mm + 1), `each letter fits on one A4 page (${heights.length} letters)`);
    await page.pdf({ path: `${OUT}lettres.pdf`, preferCSSPageSize: true });
    await page.emulateMedia({ media: 'screen' });
  });

  await step('error page', async () => {
    const r = await page.goto(`${BASE}/nulle-part`);
    check(r.status() === 404, 'status 404');
    await axeCheck(page, '404');
  });

  await step('print stylesheet hides navigation', async () => {
    await page.emulateMedia({ media: 'print' });
    await page.goto(`${BASE}/lieux`);
    check(!(await page.isVisible('nav')), 'no navigation on paper');
    await page.pdf({ path: `${OUT}lieux.pdf` });
    await page.emulateMedia({ media: 'screen' });
  });

  const csv = await (await fetch(`${BASE}/lieux.csv`)).text();
  writeFileSync(`${OUT}export.csv`, csv);
  await context.close();
} finally {
  await browser.close();
  server.kill('SIGINT');
}

for (const p of problems) console.log(`problem: ${p}`);
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
