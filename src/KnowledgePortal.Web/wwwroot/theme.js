// Loaded in <head> before anything paints. The theme is the user's choice (cookie kp-theme) or, until they choose,
// the operating system's (prefers-color-scheme). The system's current value is kept in kp-os-theme so the server
// renders the next page in the right theme at once (no flash); ThemePreference reads both cookies.
(function () {
  var media = window.matchMedia('(prefers-color-scheme: dark)');
  function read(name) {
    var m = document.cookie.match('(?:^|; )' + name + '=([^;]*)');
    return m && (m[1] === 'dark' || m[1] === 'light') ? m[1] : null;
  }
  function write(name, value) {
    document.cookie = name + '=' + value + '; path=/; max-age=31536000; samesite=lax' + (location.protocol === 'https:' ? '; secure' : '');
  }
  function system() { return media.matches ? 'dark' : 'light'; }
  write('kp-os-theme', system());
  media.addEventListener('change', function () { write('kp-os-theme', system()); });
  window.kpTheme = {
    isDark: function () { return (read('kp-theme') || system()) === 'dark'; },
    choose: function (dark) { write('kp-theme', dark ? 'dark' : 'light'); },
    // Tells the layout when the system theme changes, as long as the user has not chosen one. One layout at a time:
    // a newer one replaces the last, so a disposed one is never called.
    watch: function (layout) { current = layout; },
  };
  var current = null;
  media.addEventListener('change', function () {
    if (current && !read('kp-theme')) current.invokeMethodAsync('SystemThemeChanged', media.matches);
  });
})();
