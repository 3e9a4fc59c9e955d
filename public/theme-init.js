/* global document, window */
// Runs before first paint (next/script beforeInteractive): applies the stored theme choice, or the
// system preference, so the page never flashes the wrong colours.
(function () {
  var root = document.documentElement;
  var stored = null;
  try {
    stored = window.localStorage.getItem('theme');
  } catch {
    stored = null;
  }
  var media = window.matchMedia('(prefers-color-scheme: dark)');
  function apply() {
    var choice = root.getAttribute('data-theme-choice') || 'system';
    var dark = choice === 'dark' || (choice === 'system' && media.matches);
    root.setAttribute('data-theme', dark ? 'dark' : 'light');
    root.style.colorScheme = dark ? 'dark' : 'light';
  }
  root.setAttribute('data-theme-choice', stored === 'light' || stored === 'dark' ? stored : 'system');
  apply();
  media.addEventListener('change', apply);
})();
